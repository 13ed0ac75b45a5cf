package couriersvc

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/predicate"
	"github.com/mycourier/mycourier/internal/audit"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/csvsafe"
	"github.com/mycourier/mycourier/internal/platform/tz"
)

// MaxExportRows bounds one export.
const MaxExportRows = 200000

// exportHeader are the exported columns; an export imports back as is.
var exportHeader = []string{"id", "last_name", "first_name", "middle_name", "phone", "pinfl", "birth_date",
	"transport_type", "vehicle_plate", "partner", "branch", "status", "document_status", "hired_at", "fired_at"}

// PersonalDataExportOperation is the audit operation of an export by the
// security service, who sees PINFLs and phones in full.
const PersonalDataExportOperation = "personalData.export"

// Export writes the couriers matching where (the list's filters and search)
// as CSV or XLSX to w, in id order, in pages. It reads as the viewer, so
// scope and masking apply exactly as in the list. filter describes where
// for the audit trail: an export by the security service is audited as a
// dossier read is, once per export (the filter and how many couriers).
func (s *Service) Export(ctx context.Context, w io.Writer, format string, filter map[string]any, where ...predicate.Courier) (int, error) {
	var write func([]string) error
	var flush func() error
	switch format {
	case "csv":
		cw := csvsafe.NewWriter(w)                                 // names starting with = + - @ must not run as formulas
		if _, err := w.Write([]byte("\xef\xbb\xbf")); err != nil { // BOM: Excel opens UTF-8 CSV right
			return 0, err
		}
		write = cw.Write
		flush = func() error { cw.Flush(); return cw.Error() }
	case "xlsx":
		f := excelize.NewFile()
		defer f.Close()
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			return 0, err
		}
		row := 0
		write = func(cells []string) error {
			row++
			vals := make([]any, len(cells))
			for i, c := range cells {
				vals[i] = c // a string value is an inline string cell: a leading = stays text, never a formula
			}
			cell, _ := excelize.CoordinatesToCellName(1, row)
			return sw.SetRow(cell, vals)
		}
		flush = func() error {
			if err := sw.Flush(); err != nil {
				return err
			}
			_, err := f.WriteTo(w)
			return err
		}
	default:
		return 0, fmt.Errorf("export: unknown format %q", format)
	}
	if err := write(exportHeader); err != nil {
		return 0, err
	}
	n, last := 0, 0
	for n < MaxExportRows {
		page, err := s.clientFor(ctx).Courier.Query().
			Where(append(where, courier.IDGT(last))...).
			WithPartner().WithBranch().
			Order(ent.Asc(courier.FieldID)).Limit(1000).All(ctx)
		if err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
		for _, c := range page {
			if err := write(exportRow(c)); err != nil {
				return n, err
			}
		}
		n += len(page)
		if len(page) < 1000 {
			break
		}
		last = page[len(page)-1].ID
	}
	// Before the last bytes go out: an XLSX is not sent at all, a CSV is
	// cut short, when the read cannot be audited.
	if v := authz.FromContext(ctx); v != nil && v.Role == authz.Security {
		if err := audit.Record(ctx, s.client, PersonalDataExportOperation, "Courier", nil,
			map[string]any{"format": format, "filter": filter, "couriers": n}); err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
	}
	return n, flush()
}

func exportRow(c *ent.Courier) []string {
	date := func(t interface{ Format(string) string }) string { return t.Format("2006-01-02") }
	var partner, branch, hired, fired string
	if p := c.Edges.Partner; p != nil {
		partner = p.Name
	}
	if b := c.Edges.Branch; b != nil {
		branch = b.Code
	}
	// Hire and dismissal are instants: their day is the company's day.
	if c.HiredAt != nil {
		hired = date(tz.Local(*c.HiredAt))
	}
	if c.FiredAt != nil {
		fired = date(tz.Local(*c.FiredAt))
	}
	return []string{strconv.Itoa(c.ID), c.LastName, c.FirstName, c.MiddleName, c.Phone, c.Pinfl, date(c.BirthDate),
		string(c.TransportType), c.VehiclePlate, partner, branch, string(c.Status), string(c.DocumentStatus), hired, fired}
}
