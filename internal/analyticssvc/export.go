package analyticssvc

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/mycourier/mycourier/ent"

	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/audit"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/csvsafe"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// Cell kinds of an exported table: each becomes a typed, formatted cell.
type (
	// Percent is a share (0.25 shows as 25.0%).
	Percent float64
	// Money is an amount in sum.
	Money int64
)

// Table is one dashboard section as rows.
type Table struct {
	Name    string
	Headers []string
	Rows    [][]any // string, int, Money, Percent, float64, time.Time (a day), nil
}

// Sections lists the exportable sections, in sheet order.
var Sections = []string{"headcount", "active", "flow", "funnel", "churn", "stock", "writeoffs", "losses", "suggested"}

func day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }

func optInt(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// Tables computes the asked sections (all when none) as tables.
func (v *View) Tables(ctx context.Context, iv Interval, sections ...string) ([]Table, error) {
	if len(sections) == 0 {
		sections = Sections
	}
	var out []Table
	for _, s := range sections {
		var t Table
		switch s {
		case "headcount":
			h, err := v.Headcount(ctx)
			if err != nil {
				return nil, err
			}
			t = Table{Name: "headcount", Headers: []string{"breakdown", "id", "name", "new", "active", "blocked", "fired", "total"}}
			t.Rows = append(t.Rows, []any{"all", "", "", h.New, h.Active, h.Blocked, h.Fired, h.Total()})
			for _, g := range []struct {
				name string
				bs   []Breakdown
			}{{"partner", h.ByPartner}, {"region", h.ByRegion}, {"branch", h.ByBranch}, {"transport", h.ByTransport}} {
				for _, b := range g.bs {
					id := strconv.Itoa(b.ID)
					if g.name == "transport" {
						id = b.Key
					}
					t.Rows = append(t.Rows, []any{g.name, id, b.Name, b.New, b.Active, b.Blocked, b.Fired, b.Total()})
				}
			}
		case "active":
			ps, err := v.ActiveOverTime(ctx, iv)
			if err != nil {
				return nil, err
			}
			t = Table{Name: "active", Headers: []string{"start", "end", "active"}}
			for _, p := range ps {
				t.Rows = append(t.Rows, []any{day(p.Start), day(p.End), p.Active})
			}
		case "flow":
			ps, err := v.Flow(ctx, iv)
			if err != nil {
				return nil, err
			}
			t = Table{Name: "flow", Headers: []string{"start", "end", "onboarded", "submitted", "activated", "blocked", "unblocked", "fired", "rehired", "fired_by_reason"}}
			for _, p := range ps {
				reasons := ""
				for i, r := range p.FiredByReason {
					if i > 0 {
						reasons += "; "
					}
					reasons += fmt.Sprintf("%s: %d", r.Key, r.Count)
				}
				t.Rows = append(t.Rows, []any{day(p.Start), day(p.End), p.Onboarded, p.Submitted, p.Activated, p.Blocked, p.Unblocked, p.Fired, p.Rehired, reasons})
			}
		case "funnel":
			f, err := v.Funnel(ctx)
			if err != nil {
				return nil, err
			}
			t = Table{Name: "funnel", Headers: []string{"registered", "submitted", "activated", "submitted_rate", "activated_rate", "days_to_activation_median", "days_to_activation_p90"}}
			t.Rows = [][]any{{f.Registered, f.Submitted, f.Activated, Percent(f.SubmittedRate), Percent(f.ActivatedRate), optInt(f.DaysToActivationMedian), optInt(f.DaysToActivationP90)}}
		case "churn":
			c, err := v.Churn(ctx)
			if err != nil {
				return nil, err
			}
			t = Table{Name: "churn", Headers: []string{"cohort_month", "activated", "fired_7d", "fired_30d", "fired_7d_rate", "fired_30d_rate"}}
			for _, co := range c.Cohorts {
				t.Rows = append(t.Rows, []any{day(co.Month), co.Activated, co.Fired7d, co.Fired30d, Percent(co.Fired7dRate), Percent(co.Fired30dRate)})
			}
		case "stock", "writeoffs", "losses", "suggested":
			st, err := v.Stock(ctx)
			if err != nil {
				return nil, err
			}
			switch s {
			case "stock":
				t = Table{Name: "stock", Headers: []string{"warehouse_id", "warehouse", "equipment_type_id", "equipment_type", "on_hand", "quarantined", "in_transit", "issued", "returned", "outstanding", "min_level", "low"}}
				for _, l := range st.Lines {
					t.Rows = append(t.Rows, []any{l.WarehouseID, l.Warehouse, l.EquipmentTypeID, l.EquipmentType, l.OnHand, l.Quarantined, l.InTransit, l.Issued, l.Returned, l.Outstanding, l.MinLevel, strconv.FormatBool(l.Low)})
				}
			case "writeoffs":
				t = Table{Name: "writeoffs", Headers: []string{"month", "reason", "quantity", "value"}}
				for _, w := range st.WriteOffs {
					t.Rows = append(t.Rows, []any{day(w.Month), w.Reason, w.Quantity, Money(w.Value)})
				}
			case "losses":
				t = Table{Name: "losses", Headers: []string{"partner_id", "partner", "value", "units_lost", "active_couriers", "value_per_active"}}
				for _, l := range st.Losses {
					t.Rows = append(t.Rows, []any{l.PartnerID, l.Partner, Money(l.Value), l.UnitsLost, l.ActiveCouriers, Money(int64(l.ValuePerActive + 0.5))})
				}
			default:
				t = Table{Name: "suggested", Headers: []string{"branch_id", "branch", "equipment_type_id", "equipment_type", "active_couriers", "kit_need", "suggested"}}
				for _, m := range st.Suggested {
					t.Rows = append(t.Rows, []any{m.BranchID, m.Branch, m.EquipmentTypeID, m.EquipmentType, m.ActiveCouriers, m.KitNeed, m.Suggested})
				}
			}
		default:
			return nil, apperr.InvalidField("section", "export.section", fmt.Sprintf("%q is not a section (one of %v)", s, Sections))
		}
		out = append(out, t)
	}
	return out, nil
}

// Export writes the sections of the filter as CSV (one section) or XLSX (a
// sheet per section), and records the export in the audit trail. The caller
// must be allowed the dashboard (the same entry of the permission matrix).
func (s *Service) Export(ctx context.Context, w io.Writer, format string, f Filter, iv Interval, sections ...string) error {
	vw := authz.FromContext(ctx)
	if vw == nil {
		return apperr.ErrUnauthenticated
	}
	if !vw.System() && !authz.Allowed("Query.dashboard", vw.Role) {
		return fmt.Errorf("export dashboard: %w", apperr.ErrForbidden)
	}
	if format != "csv" && format != "xlsx" {
		return apperr.InvalidField("format", "export.format", "must be csv or xlsx")
	}
	if format == "csv" && len(sections) != 1 {
		return apperr.InvalidField("section", "export.section", "a CSV export holds one section")
	}
	iv, err := parseInterval(iv)
	if err != nil {
		return err
	}
	v, err := s.Open(ctx, f)
	if err != nil {
		return err
	}
	tables, err := v.Tables(ctx, iv, sections...)
	if err != nil {
		return err
	}
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = t.Name
	}
	err = database.WithTx(ctx, s.client, func(tx *ent.Tx) error {
		return audit.Record(ctx, tx.Client(), "analytics.export", "Dashboard", nil, map[string]any{
			"format": format, "sections": names, "from": v.From().Format(time.DateOnly), "to": v.To().Format(time.DateOnly),
			"partnerIDs": f.PartnerIDs, "regionIDs": f.RegionIDs, "branchIDs": f.BranchIDs, "transportTypes": f.TransportTypes,
		})
	})
	if err != nil {
		return fmt.Errorf("export dashboard: audit: %w", err)
	}
	if format == "csv" {
		return writeCSV(w, tables[0])
	}
	return writeXLSX(w, tables)
}

func writeCSV(w io.Writer, t Table) error {
	cw := csvsafe.NewWriter(w)
	if err := cw.Write(t.Headers); err != nil {
		return err
	}
	for _, r := range t.Rows {
		rec := make([]string, len(r))
		for i, c := range r {
			switch c := c.(type) {
			case nil:
			case string:
				rec[i] = c
			case time.Time:
				rec[i] = c.Format(time.DateOnly)
			case Percent:
				rec[i] = strconv.FormatFloat(float64(c), 'f', 4, 64)
			default:
				rec[i] = fmt.Sprint(c)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func writeXLSX(w io.Writer, tables []Table) error {
	x := excelize.NewFile()
	defer x.Close()
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	dateFmt := "yyyy-mm-dd"
	dateStyle, err := x.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	pct, err := x.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return err
	}
	money, err := x.NewStyle(&excelize.Style{NumFmt: 3}) // #,##0
	if err != nil {
		return err
	}
	for i, t := range tables {
		sheet := t.Name
		if i == 0 {
			if err := x.SetSheetName("Sheet1", sheet); err != nil {
				return err
			}
		} else if _, err := x.NewSheet(sheet); err != nil {
			return err
		}
		sw, err := x.NewStreamWriter(sheet)
		if err != nil {
			return err
		}
		head := make([]any, len(t.Headers))
		for j, h := range t.Headers {
			head[j] = excelize.Cell{StyleID: bold, Value: h}
		}
		if err := sw.SetRow("A1", head); err != nil {
			return err
		}
		for r, row := range t.Rows {
			cells := make([]any, len(row))
			for j, c := range row {
				switch c := c.(type) {
				case time.Time:
					cells[j] = excelize.Cell{StyleID: dateStyle, Value: c}
				case Percent:
					cells[j] = excelize.Cell{StyleID: pct, Value: float64(c)}
				case Money:
					cells[j] = excelize.Cell{StyleID: money, Value: int64(c)}
				default:
					cells[j] = c
				}
			}
			cell, err := excelize.CoordinatesToCellName(1, r+2)
			if err != nil {
				return err
			}
			if err := sw.SetRow(cell, cells); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	return x.Write(w)
}
