// Command mycourier is the mycourier back office: one binary that serves the
// API and UI, migrates, seeds and administers the database.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/mycourier/mycourier/internal/platform/config"
	"github.com/mycourier/mycourier/internal/platform/tz"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := rootCmd().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "mycourier:", err)
		os.Exit(1)
	}
}

func rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "mycourier",
		Short:         "mycourier — back office of a courier company",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	config.Bind(root.PersistentFlags())
	root.AddCommand(serveCmd(), migrateCmd(), seedCmd(), userCmd(), verifyCmd(), filesCmd(), backupCmd(), restoreCmd(), healthcheckCmd(), versionCmd(), summariesCmd())
	return root
}

// loadConfig reads the configuration from the command's flags and environment.
// The company's time zone is set here, once, for every command.
func loadConfig(cmd *cobra.Command) (config.Config, error) {
	cfg, err := config.Load(cmd.Flags())
	if err == nil {
		tz.Set(cfg.TimeZone)
	}
	return cfg, err
}
