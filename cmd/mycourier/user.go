package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/mycourier/mycourier/ent/user"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/reqinfo"
)

func userCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage users: create, reset-password, list, disable, enable"}
	cmd.AddCommand(userCreateCmd(), userResetCmd(), userListCmd(), userActiveCmd("disable", false), userActiveCmd("enable", true))
	return cmd
}

// withAuth opens the database and the sign-in service and runs fn acting as
// the command line (a system viewer named for the audit trail).
func withAuth(cmd *cobra.Command, op string, fn func(ctx context.Context, auth *authsvc.Service, db *database.DB) error) error {
	cfg, err := loadConfig(cmd)
	if err != nil {
		return err
	}
	db, err := openMigrated(cmd.Context(), cfg, database.Options{MaxOpenConns: 2})
	if err != nil {
		return err
	}
	defer db.Close()
	auth, err := authService(cfg, db)
	if err != nil {
		return err
	}
	ctx := authz.SystemContext(cmd.Context(), "cli")
	ctx = reqinfo.With(ctx, reqinfo.Info{Operation: op})
	return fn(ctx, auth, db)
}

// readPassword asks twice on a terminal, or reads one line from stdin.
func readPassword(cmd *cobra.Command) (string, error) {
	in := cmd.InOrStdin()
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(cmd.ErrOrStderr(), "Password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(cmd.ErrOrStderr())
		if err != nil {
			return "", err
		}
		fmt.Fprint(cmd.ErrOrStderr(), "Repeat: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(cmd.ErrOrStderr())
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("the passwords differ")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("no password on stdin")
	}
	return pw, nil
}

func userCreateCmd() *cobra.Command {
	var (
		login, fullName, role         string
		partners, regions, warehouses []int
	)
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a user; the password is asked for (or read from stdin)",
		Example: `  mycourier user create --login aziza --full-name "Азиза Каримова" --role owner
  echo "$PASSWORD" | mycourier user create --login ops1 --full-name "Ops" --role manager --partner 34359738369`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := authz.ParseRole(role)
			if err != nil {
				return err
			}
			pw, err := readPassword(cmd)
			if err != nil {
				return err
			}
			return withAuth(cmd, "cli.user.create", func(ctx context.Context, auth *authsvc.Service, _ *database.DB) error {
				u, err := auth.CreateUser(ctx, authsvc.UserInput{
					Login: login, FullName: &fullName, Role: &r,
					PartnerIDs: &partners, RegionIDs: &regions, WarehouseIDs: &warehouses,
				}, pw)
				if err != nil {
					return describe(err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "created %s (%s), id %d\n", u.Login, u.Role, u.ID)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&login, "login", "", "login (case-insensitive)")
	cmd.Flags().StringVar(&fullName, "full-name", "", "full name")
	cmd.Flags().StringVar(&role, "role", "", "owner, manager, onboarding, warehouse, security or integrator")
	cmd.Flags().IntSliceVar(&partners, "partner", nil, "partner id in the user's scope (repeatable)")
	cmd.Flags().IntSliceVar(&regions, "region", nil, "region id in the user's scope (repeatable)")
	cmd.Flags().IntSliceVar(&warehouses, "warehouse", nil, "warehouse id in the user's scope (repeatable)")
	_ = cmd.MarkFlagRequired("login")
	_ = cmd.MarkFlagRequired("full-name")
	_ = cmd.MarkFlagRequired("role")
	return cmd
}

func userResetCmd() *cobra.Command {
	var login string
	cmd := &cobra.Command{
		Use:   "reset-password",
		Short: "Set a user's password (asked for, or read from stdin) and end their sessions",
		RunE: func(cmd *cobra.Command, _ []string) error {
			pw, err := readPassword(cmd)
			if err != nil {
				return err
			}
			return withAuth(cmd, "cli.user.reset_password", func(ctx context.Context, auth *authsvc.Service, _ *database.DB) error {
				u, err := auth.UserByLogin(ctx, login)
				if err != nil {
					return describe(err)
				}
				if err := auth.ResetPassword(ctx, u.ID, pw); err != nil {
					return describe(err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "password of %s reset; their sessions are ended\n", u.Login)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&login, "login", "", "login")
	_ = cmd.MarkFlagRequired("login")
	return cmd
}

func userListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List users",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withAuth(cmd, "cli.user.list", func(ctx context.Context, _ *authsvc.Service, db *database.DB) error {
				us, err := db.Client.User.Query().Order(user.ByLogin()).All(ctx)
				if err != nil {
					return err
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "ID\tLOGIN\tNAME\tROLE\tACTIVE\tLAST SIGN-IN")
				for _, u := range us {
					last := "never"
					if u.LastSignInAt != nil {
						last = u.LastSignInAt.UTC().Format("2006-01-02 15:04")
					}
					fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%v\t%s\n", u.ID, u.Login, u.FullName, u.Role, u.Active, last)
				}
				return w.Flush()
			})
		},
	}
}

func userActiveCmd(name string, active bool) *cobra.Command {
	var login string
	cmd := &cobra.Command{
		Use:   name,
		Short: map[bool]string{false: "Disable a user and end their sessions", true: "Enable a disabled user"}[active],
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withAuth(cmd, "cli.user."+name, func(ctx context.Context, auth *authsvc.Service, _ *database.DB) error {
				u, err := auth.UserByLogin(ctx, login)
				if err != nil {
					return describe(err)
				}
				if _, err := auth.UpdateUser(ctx, u.ID, authsvc.UserInput{Active: &active}); err != nil {
					return describe(err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s %sd\n", u.Login, name)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&login, "login", "", "login")
	_ = cmd.MarkFlagRequired("login")
	return cmd
}

// describe spells out field errors for a terminal.
func describe(err error) error {
	inv, ok := apperr.As[apperr.Invalid](err)
	if !ok {
		return err
	}
	fields := make([]string, 0, len(inv.Fields))
	for f, e := range inv.Fields {
		fields = append(fields, f+": "+e.Message)
	}
	sort.Strings(fields)
	return errors.New(strings.Join(fields, "; "))
}
