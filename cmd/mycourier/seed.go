package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// seedCmd is a placeholder; the demo and benchmark generators replace it.
func seedCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "seed",
		Short: "Fill the database with demo or benchmark data",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("seed: not yet built")
		},
	}
}
