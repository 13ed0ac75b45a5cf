package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mycourier/mycourier/internal/analyticssvc/summary"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/stocksvc"
)

// errMismatch makes verify exit non-zero when the books disagree.
var errMismatch = errors.New("verify: the books disagree with their history")

func verifyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "verify",
		Short: "recompute stock balances, courier holdings and analytics summaries from the raw history and report any mismatch",
		Long: "verify recomputes every warehouse balance and courier holding from the append-only\n" +
			"ledger (and serial units), and every analytics summary from the status history and the\n" +
			"ledger, prints each mismatch, and exits non-zero if there is one.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			ctx := authz.SystemContext(cmd.Context(), "verify")
			db, err := openMigrated(ctx, cfg, database.Options{MaxOpenConns: cfg.DBMaxConns})
			if err != nil {
				return err
			}
			defer db.Close()
			ms, err := stocksvc.Verify(ctx, db.Client)
			if err != nil {
				return err
			}
			sums, err := summary.Verify(ctx, db.SQL)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, m := range ms {
				fmt.Fprintln(out, m)
			}
			for _, m := range sums {
				fmt.Fprintln(out, m)
			}
			if n := len(ms) + len(sums); n > 0 {
				fmt.Fprintf(out, "verify: %d mismatch(es)\n", n)
				return errMismatch
			}
			fmt.Fprintln(out, "verify: every balance, holding and summary equals its history")
			return nil
		},
	}
}
