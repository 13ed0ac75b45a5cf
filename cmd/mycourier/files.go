package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mycourier/mycourier/internal/blobstore"
	"github.com/mycourier/mycourier/internal/platform/config"
)

// blobConfig is the file store the configuration names.
func blobConfig(cfg config.Config) blobstore.Config {
	return blobstore.Config{
		Backend: cfg.BlobStore,
		DataDir: cfg.DataDir,
		S3: blobstore.S3Options{
			Endpoint:  cfg.S3Endpoint,
			Bucket:    cfg.S3Bucket,
			Region:    cfg.S3Region,
			AccessKey: cfg.S3AccessKey,
			SecretKey: cfg.S3SecretKey,
			Insecure:  cfg.S3Insecure,
			Prefix:    cfg.S3Prefix,
		},
	}
}

func filesCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "files", Short: "Manage stored files (courier documents)"}
	cmd.AddCommand(&cobra.Command{
		Use:   "migrate",
		Short: "Copy files from local disk (data-dir/documents) into the configured S3 bucket",
		Long: "Copies every file under data-dir/documents into the bucket of --blob-store s3,\n" +
			"keeping its key. A file the bucket already holds with the same size is skipped,\n" +
			"so an interrupted run is resumed by running it again. The disk copy is left in place.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			if cfg.BlobStore != blobstore.BackendS3 {
				return fmt.Errorf("files migrate: set --blob-store s3 and the --s3-* settings of the target bucket")
			}
			bc := blobConfig(cfg)
			dst, err := blobstore.Open(cmd.Context(), bc)
			if err != nil {
				return err
			}
			src, err := blobstore.NewDisk(blobstore.DiskDir(cfg.DataDir))
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			res, err := blobstore.Copy(cmd.Context(), dst, src, func(i blobstore.Info) {
				fmt.Fprintf(out, "copied %s (%d bytes)\n", i.Key, i.Size)
			})
			fmt.Fprintf(out, "%d copied (%d bytes), %d already in the bucket\n", res.Copied, res.Bytes, res.Skipped)
			return err
		},
	})
	return cmd
}
