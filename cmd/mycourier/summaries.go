package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mycourier/mycourier/internal/analyticssvc/summary"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/platform/database"
)

func summariesCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "summaries", Short: "maintain the analytics summary tables"}
	var fromMonth int
	backfill := &cobra.Command{
		Use:   "backfill",
		Short: "rebuild the analytics summaries from the status history and the ledger",
		Long: "backfill recomputes every analytics summary from the raw history and rewrites it one\n" +
			"month per transaction: idempotent, and a stopped run resumes with --from-month (the\n" +
			"progress line names it). Run it while nothing else writes couriers or stock, e.g. after\n" +
			"upgrading a database that has history, or after a bulk load; `mycourier verify` checks it.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			ctx := authz.SystemContext(cmd.Context(), "summaries")
			db, err := openMigrated(ctx, cfg, database.Options{MaxOpenConns: cfg.DBMaxConns})
			if err != nil {
				return err
			}
			defer db.Close()
			out := cmd.OutOrStdout()
			err = summary.Backfill(ctx, db.SQL, summary.BackfillOptions{
				FromMonth: fromMonth,
				Progress:  func(line string) { fmt.Fprintln(out, line) },
			})
			if err != nil {
				return err
			}
			fmt.Fprintln(out, "summaries: backfill done")
			return nil
		},
	}
	backfill.Flags().IntVar(&fromMonth, "from-month", 0, "resume: skip the months before this one (yyyymm)")
	cmd.AddCommand(backfill)
	return cmd
}
