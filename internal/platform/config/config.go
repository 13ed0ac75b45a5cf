// Package config reads mycourier's settings from MYCOURIER_* environment
// variables and matching command-line flags (a flag wins over its variable).
package config

import (
	"fmt"
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/mycourier/mycourier/internal/platform/tz"
)

// EnvPrefix starts every environment variable mycourier reads.
const EnvPrefix = "MYCOURIER_"

// Modes.
const (
	ModeDev        = "dev"
	ModeProduction = "production"
)

// Config is the whole configuration of the server.
type Config struct {
	Mode            string
	DatabaseURL     string
	DataDir         string
	Listen          string
	Playground      bool
	AutoMigrate     bool
	LogLevel        string
	LogFormat       string
	DBMaxConns      int
	ReadTimeout     time.Duration
	WriteTimeout    time.Duration
	ShutdownTimeout time.Duration
	JWTSecret       string
	AccessTTL       time.Duration
	RefreshTTL      time.Duration
	CORSOrigins     []string
	MaxBodyBytes    int64
	MaxQueryDepth   int
	MaxComplexity   int
	// WebhookAllowPrivate lets webhook deliveries reach non-public addresses.
	WebhookAllowPrivate bool
	// Files: where courier documents and generated files are kept.
	BlobStore   string
	S3Endpoint  string
	S3Bucket    string
	S3Region    string
	S3AccessKey string
	S3SecretKey string
	S3Insecure  bool
	S3Prefix    string
	// Backups and migrations.
	BackupBeforeMigrate     bool
	BackupDir               string
	BackupKeep              int
	BackupMaxAge            time.Duration
	MigrateLockTimeout      time.Duration
	MigrateStatementTimeout time.Duration
	MigrateRetries          int
	// TimeZone: the company's zone for documents, exports and reports.
	TimeZone *time.Location
	// MetricsListen is a separate address serving /metrics alone.
	MetricsListen string
	// MetricsToken is the bearer token /metrics asks for on the main address.
	MetricsToken string
	// TrustedProxies are the networks whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
}

// MinSecretBits is the least entropy a production secret may show, counted
// as its length times the Shannon entropy of its bytes: a long secret of one
// repeated character, or of a few characters (fewer than 16 distinct in 32
// bytes), is long, not random. A random hex secret of 32 bytes (64
// characters, about 250 bits by this count) or base64 of 48 bytes (about
// 360) passes even when a digit happens to be missing.
const MinSecretBits = 128

// periodic tells a secret that is a shorter one repeated ("abcabcabc…").
func periodic(s string) bool {
	for p := 1; p <= len(s)/2; p++ {
		if s[p:] == s[:len(s)-p] {
			return true
		}
	}
	return false
}

// secretBits estimates the entropy of s in bits.
func secretBits(s string) float64 {
	var count [256]int
	for i := 0; i < len(s); i++ {
		count[s[i]]++
	}
	h := 0.0
	for _, c := range count {
		if c > 0 {
			p := float64(c) / float64(len(s))
			h -= p * math.Log2(p)
		}
	}
	return h * float64(len(s))
}

// Setting describes one configuration value: its flag, variable, default and meaning.
type Setting struct {
	Flag    string
	Default string
	Usage   string
}

// Env is the environment variable of the setting.
func (s Setting) Env() string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(s.Flag, "-", "_"))
}

// Settings lists every setting; the README's configuration table mirrors it
// (a test keeps the two in step).
var Settings = []Setting{
	{"mode", ModeDev, "dev or production; production turns the playground off, logs JSON and demands secrets"},
	{"database-url", "sqlite://./data/mycourier.db", "postgres://user@host/db for PostgreSQL, sqlite://path for the embedded database"},
	{"data-dir", "./data", "directory for local files (SQLite database, backups, uploads)"},
	{"listen", ":8080", "address the HTTP server listens on"},
	{"playground", "", "serve the GraphQL playground at /playground (default: on in dev, off in production)"},
	{"auto-migrate", "true", "apply pending migrations when serve starts"},
	{"log-level", "info", "debug, info, warn or error"},
	{"log-format", "", "console or json (default: console in dev, json in production)"},
	{"db-max-conns", "20", "PostgreSQL connection pool size"},
	{"read-timeout", "15s", "HTTP read timeout"},
	{"write-timeout", "30s", "HTTP write timeout"},
	{"shutdown-timeout", "20s", "how long a shutdown waits for in-flight requests"},
	{"jwt-secret", "", "secret (at least 32 bytes) that signs access tokens; required in production, kept under data-dir in dev"},
	{"access-token-ttl", "15m", "lifetime of an access token"},
	{"refresh-token-ttl", "720h", "lifetime of a refresh token (each use issues a new one)"},
	{"cors-origins", "", "comma-separated origins allowed to call the API from a browser (empty: same origin only)"},
	{"max-body-bytes", "1048576", "largest request body accepted, except file uploads"},
	{"max-query-depth", "12", "deepest GraphQL selection accepted"},
	{"max-query-complexity", "5000", "highest GraphQL query complexity accepted"},
	{"webhook-allow-private", "", "let webhook deliveries reach loopback, private and link-local addresses (default: on in dev, off in production)"},
	{"blob-store", "disk", "where document files are kept: disk (under data-dir/documents) or s3 (shared by every instance)"},
	{"s3-endpoint", "", "host:port of the S3-compatible object storage (blob-store s3)"},
	{"s3-bucket", "", "bucket for files (it must exist)"},
	{"s3-region", "", "region of the bucket (empty: the server's default)"},
	{"s3-access-key", "", "access key of the object storage"},
	{"s3-secret-key", "", "secret key of the object storage"},
	{"s3-insecure", "false", "talk plain HTTP to the object storage (only on a private network)"},
	{"s3-prefix", "", "prefix before every object key (several installations in one bucket)"},
	{"backup-before-migrate", "", "take a backup before applying migrations (default: on in production, off in dev)"},
	{"backup-dir", "", "directory for backups (default: data-dir/backups)"},
	{"backup-keep", "7", "how many backups are kept: after each backup, older ones beyond this count are removed"},
	{"backup-max-age", "720h", "after each backup, backups older than this are removed too (the newest one always stays)"},
	{"migrate-lock-timeout", "5s", "lock_timeout of each migration statement on PostgreSQL (a blocked lock gives up instead of stalling writes)"},
	{"migrate-statement-timeout", "15m", "statement_timeout of each migration statement on PostgreSQL"},
	{"migrate-retries", "5", "times a migration that gave up on a lock is retried, with growing pauses"},
	{"metrics-listen", "", "separate address serving /metrics alone (e.g. 127.0.0.1:9090); when set, the main address does not serve it"},
	{"metrics-token", "", "bearer token /metrics asks for on the main address (at least 32 bytes); with neither this nor metrics-listen, /metrics is open in dev and off in production"},
	{"trusted-proxies", "", "comma-separated networks (CIDRs) of reverse proxies whose X-Forwarded-For is believed for the client address (empty: none, the peer is the client)"},
	{"timezone", tz.Default, "IANA time zone of dates and times in documents, exports and reports (the API keeps RFC 3339 instants); after a change run mycourier summaries backfill"},
}

// Bind registers a flag for every setting on fs, its default taken from the
// environment when the variable is set.
func Bind(fs *pflag.FlagSet) {
	for _, s := range Settings {
		def := s.Default
		if v, ok := os.LookupEnv(s.Env()); ok {
			def = v
		}
		fs.String(s.Flag, def, fmt.Sprintf("%s (env %s)", s.Usage, s.Env()))
	}
}

// Load reads the bound flags into a Config and checks it.
func Load(fs *pflag.FlagSet) (Config, error) {
	get := func(name string) string {
		f := fs.Lookup(name)
		if f == nil {
			return ""
		}
		return strings.TrimSpace(f.Value.String())
	}
	var errs []string
	boolOf := func(name string, def bool) bool {
		v := get(name)
		if v == "" {
			return def
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("--%s: %q is not true or false", name, v))
		}
		return b
	}
	durOf := func(name string) time.Duration {
		d, err := time.ParseDuration(get(name))
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Sprintf("--%s: %q is not a positive duration such as 15s", name, get(name)))
		}
		return d
	}
	c := Config{
		Mode:        get("mode"),
		DatabaseURL: get("database-url"),
		DataDir:     get("data-dir"),
		Listen:      get("listen"),
		LogLevel:    get("log-level"),
		LogFormat:   get("log-format"),
	}
	if c.Mode != ModeDev && c.Mode != ModeProduction {
		errs = append(errs, fmt.Sprintf("--mode: %q is neither dev nor production", c.Mode))
	}
	c.Playground = boolOf("playground", c.Mode == ModeDev)
	c.AutoMigrate = boolOf("auto-migrate", true)
	c.WebhookAllowPrivate = boolOf("webhook-allow-private", c.Mode == ModeDev)
	if loc, err := tz.Load(get("timezone")); err != nil {
		errs = append(errs, "--timezone: "+err.Error())
	} else {
		c.TimeZone = loc
	}
	if c.LogFormat == "" {
		c.LogFormat = "console"
		if c.Mode == ModeProduction {
			c.LogFormat = "json"
		}
	}
	if c.LogFormat != "console" && c.LogFormat != "json" {
		errs = append(errs, fmt.Sprintf("--log-format: %q is neither console nor json", c.LogFormat))
	}
	n, err := strconv.Atoi(get("db-max-conns"))
	if err != nil || n < 1 {
		errs = append(errs, fmt.Sprintf("--db-max-conns: %q is not a positive number", get("db-max-conns")))
	}
	c.DBMaxConns = n
	c.ReadTimeout = durOf("read-timeout")
	c.WriteTimeout = durOf("write-timeout")
	c.ShutdownTimeout = durOf("shutdown-timeout")
	c.AccessTTL = durOf("access-token-ttl")
	c.RefreshTTL = durOf("refresh-token-ttl")
	c.JWTSecret = get("jwt-secret")
	for _, o := range strings.Split(get("cors-origins"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}
	posInt := func(name string) int64 {
		n, err := strconv.ParseInt(get(name), 10, 64)
		if err != nil || n < 1 {
			errs = append(errs, fmt.Sprintf("--%s: %q is not a positive number", name, get(name)))
		}
		return n
	}
	c.MaxBodyBytes = posInt("max-body-bytes")
	c.MaxQueryDepth = int(posInt("max-query-depth"))
	c.MaxComplexity = int(posInt("max-query-complexity"))
	c.BlobStore = get("blob-store")
	if c.BlobStore != "disk" && c.BlobStore != "s3" {
		errs = append(errs, fmt.Sprintf("--blob-store: %q is neither disk nor s3", c.BlobStore))
	}
	c.S3Endpoint, c.S3Bucket, c.S3Region = get("s3-endpoint"), get("s3-bucket"), get("s3-region")
	c.S3AccessKey, c.S3SecretKey, c.S3Prefix = get("s3-access-key"), get("s3-secret-key"), get("s3-prefix")
	c.S3Insecure = boolOf("s3-insecure", false)
	if c.BlobStore == "s3" {
		for _, k := range []string{"s3-endpoint", "s3-bucket", "s3-access-key", "s3-secret-key"} {
			if get(k) == "" {
				errs = append(errs, fmt.Sprintf("--%s: needed with --blob-store s3", k))
			}
		}
	}
	c.BackupBeforeMigrate = boolOf("backup-before-migrate", c.Mode == ModeProduction)
	c.BackupDir = get("backup-dir")
	if c.BackupDir == "" {
		c.BackupDir = filepath.Join(c.DataDir, "backups")
	}
	keep, err := strconv.Atoi(get("backup-keep"))
	if err != nil || keep < 1 {
		errs = append(errs, fmt.Sprintf("--backup-keep: %q is not a positive number", get("backup-keep")))
	}
	c.BackupKeep = keep
	c.BackupMaxAge = durOf("backup-max-age")
	c.MigrateLockTimeout = durOf("migrate-lock-timeout")
	c.MigrateStatementTimeout = durOf("migrate-statement-timeout")
	retries, err := strconv.Atoi(get("migrate-retries"))
	if err != nil || retries < 0 {
		errs = append(errs, fmt.Sprintf("--migrate-retries: %q is not a number of 0 or more", get("migrate-retries")))
	}
	c.MigrateRetries = retries
	if c.Mode == ModeProduction && len(c.JWTSecret) < 32 {
		errs = append(errs, "--jwt-secret: production needs a secret of at least 32 bytes (e.g. openssl rand -base64 48)")
	} else if bits := secretBits(c.JWTSecret); c.Mode == ModeProduction && (bits < MinSecretBits || periodic(c.JWTSecret)) {
		errs = append(errs, fmt.Sprintf("--jwt-secret: production needs a random secret; this one repeats a few characters (about %.0f bits, at least %d needed; make one with openssl rand -base64 48)", bits, MinSecretBits))
	}
	if c.DatabaseURL == "" {
		errs = append(errs, "--database-url: empty")
	}
	c.MetricsListen, c.MetricsToken = get("metrics-listen"), get("metrics-token")
	if c.MetricsToken != "" && len(c.MetricsToken) < 32 {
		errs = append(errs, "--metrics-token: at least 32 bytes (e.g. openssl rand -base64 32)")
	}
	for _, p := range strings.Split(get("trusted-proxies"), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		n, err := netip.ParsePrefix(p)
		if err != nil {
			a, aerr := netip.ParseAddr(p) // a single address is its own /32 or /128
			if aerr != nil {
				errs = append(errs, fmt.Sprintf("--trusted-proxies: %q is not a network such as 10.0.0.0/8", p))
				continue
			}
			n = netip.PrefixFrom(a, a.BitLen())
		}
		c.TrustedProxies = append(c.TrustedProxies, n.Masked())
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return c, fmt.Errorf("config: %s", strings.Join(errs, "; "))
	}
	return c, nil
}
