package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func serveCmd() *cobra.Command {
	return &cobra.Command{Use: "serve", Short: "Serve the API", RunE: func(*cobra.Command, []string) error { return errors.New("todo") }}
}

func seedCmd() *cobra.Command {
	return &cobra.Command{Use: "seed", Short: "Seed", RunE: func(*cobra.Command, []string) error { return errors.New("todo") }}
}
