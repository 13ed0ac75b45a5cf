package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/stocksvc"
)

// errMismatch makes verify exit non-zero when the books disagree.
var errMismatch = errors.New("verify: the stock books disagree with the ledger")

func verifyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "verify",
		Short: "recompute stock balances and courier holdings from the ledger and report any mismatch",
		Long: "verify recomputes every warehouse balance and courier holding from the append-only\n" +
			"ledger (and serial units), prints each mismatch, and exits non-zero if there is one.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			ctx := authz.SystemContext(cmd.Context(), "verify")
			db, err := database.Open(ctx, cfg.DatabaseURL, database.Options{MaxOpenConns: cfg.DBMaxConns})
			if err != nil {
				return err
			}
			defer db.Close()
			ms, err := stocksvc.Verify(ctx, db.Client)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, m := range ms {
				fmt.Fprintln(out, m)
			}
			if len(ms) > 0 {
				fmt.Fprintf(out, "verify: %d mismatch(es)\n", len(ms))
				return errMismatch
			}
			fmt.Fprintln(out, "verify: every balance and holding equals its ledger")
			return nil
		},
	}
}
