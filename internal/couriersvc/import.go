package couriersvc

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/branch"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/partner"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/csvsafe"
	"github.com/mycourier/mycourier/internal/xlsxsafe"
)

// Import limits: a file larger than this, or with more data rows, is
// refused before anything is read into the database.
const (
	MaxImportBytes = 20 << 20
	MaxImportRows  = 50000
)

// ImportColumns are the columns an import file may have (header row, any
// case; Russian headers accepted), and the required ones.
var ImportColumns = map[string][]string{
	"last_name":      {"last_name", "lastname", "фамилия"},
	"first_name":     {"first_name", "firstname", "имя"},
	"middle_name":    {"middle_name", "middlename", "отчество"},
	"phone":          {"phone", "телефон"},
	"pinfl":          {"pinfl", "пинфл"},
	"birth_date":     {"birth_date", "birthdate", "дата рождения"},
	"transport_type": {"transport_type", "transport", "транспорт"},
	"vehicle_plate":  {"vehicle_plate", "plate", "госномер"},
	"partner":        {"partner", "партнёр", "партнер"},
	"branch":         {"branch", "филиал"},
}

// exportOnly columns are written by Export and ignored by Import.
var exportOnly = map[string]bool{"id": true, "status": true, "document_status": true, "hired_at": true, "fired_at": true}

var requiredColumns = []string{"last_name", "first_name", "phone", "pinfl", "transport_type"}

// ImportOptions choose how an import runs.
type ImportOptions struct {
	// DryRun checks every row and imports nothing.
	DryRun bool
	// AllowPartial imports the good rows even when some rows fail.
	AllowPartial bool
}

// ImportError is one problem in one cell (or row) of an import file.
type ImportError struct {
	Row     int
	Column  string
	Key     string
	Message string
}

// ImportReport tells what an import did (or would do).
type ImportReport struct {
	DryRun    bool
	Rows      int
	Created   int
	Unchanged int
	Failed    int
	Errors    []ImportError
	// elsewhere are the rows refused for a value held outside the viewer's
	// scope, audited after the import's transaction.
	elsewhere []*takenElsewhere
}

// ErrImportFile: the file as a whole cannot be imported.
func importFileError(key, msg, ru string) error {
	return apperr.New(apperr.CodeBadUserInput, key, msg).WithRu(ru)
}

// Import reads couriers from a CSV or XLSX file (told apart by content) and
// registers them. Rows are checked with the same rules as onboarding; a row
// whose PINFL is already registered is left unchanged, so importing a file
// twice changes nothing. All rows or none are imported unless AllowPartial.
func (s *Service) Import(ctx context.Context, r io.Reader, opts ImportOptions) (*ImportReport, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("import: read: %w", err)
	}
	if len(data) > MaxImportBytes {
		return nil, importFileError("import.tooLarge", fmt.Sprintf("the file is larger than %d MiB", MaxImportBytes>>20), "Файл слишком большой")
	}
	rows, err := readTable(data)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, importFileError("import.empty", "the file has no header row", "Файл пуст")
	}
	if len(rows)-1 > MaxImportRows {
		return nil, errTooManyRows
	}
	cols, err := mapHeader(rows[0])
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{DryRun: opts.DryRun, Rows: len(rows) - 1}
	err = s.inTx(ctx, func(tx *ent.Client) error {
		return s.importRows(ctx, tx, rows[1:], cols, opts, rep)
	})
	// Attempts on values held elsewhere are recorded once the import's own
	// transaction has ended (SQLite allows one writer), whatever became of it.
	for _, te := range rep.elsewhere {
		_ = s.auditTakenElsewhere(ctx, te, "importCouriers")
	}
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	return rep, nil
}

func (s *Service) importRows(ctx context.Context, tx *ent.Client, rows [][]string, cols map[string]int, opts ImportOptions, rep *ImportReport) error {
	partners, branches, visible, err := importRefs(ctx, tx)
	if err != nil {
		return err
	}
	type good struct {
		v                 valid
		partner, branchID *int
	}
	var goods []good
	seenPIN := map[string]int{}
	seenPhone := map[string]int{}
	for i, row := range rows {
		line := i + 2
		cell := func(name string) string {
			if j, ok := cols[name]; ok && j < len(row) {
				return strings.TrimSpace(row[j])
			}
			return ""
		}
		if allEmpty(row) {
			rep.Rows--
			continue
		}
		in := OnboardInput{
			LastName: cell("last_name"), FirstName: cell("first_name"), Phone: cell("phone"),
			PINFL: cell("pinfl"), TransportType: courier.TransportType(strings.ToLower(cell("transport_type"))),
		}
		if m := cell("middle_name"); m != "" {
			in.MiddleName = &m
		}
		if p := cell("vehicle_plate"); p != "" {
			in.VehiclePlate = &p
		}
		var fs Fields
		if b := cell("birth_date"); b != "" {
			d, ok := parseDate(b)
			if !ok {
				fs.Add("birthDate", "validation.badFormat", "is not a date (YYYY-MM-DD or DD.MM.YYYY)")
			} else {
				in.BirthDate = &d
			}
		}
		if p := cell("partner"); p != "" {
			switch id, ok := partners[strings.ToLower(p)]; {
			case !ok:
				fs.Add("partnerID", "partner.inactive", "no such active partner")
			case !visible[id]:
				fs.Add("partnerID", "partner.outOfScope", "this partner is outside your scope")
			default:
				in.PartnerID = &id
			}
		}
		if b := cell("branch"); b != "" {
			switch id, ok := branches[strings.ToLower(b)]; {
			case !ok:
				fs.Add("branchID", "branch.inactive", "no such active branch")
			case !visible[id]:
				fs.Add("branchID", "branch.outOfScope", "this branch is outside your scope")
			default:
				in.BranchID = &id
			}
		}
		v := s.check(in, &fs)
		if fs.Empty() {
			if prev, dup := seenPIN[v.pinfl]; dup {
				fs.Add("pinfl", "import.duplicateInFile", fmt.Sprintf("repeats row %d", prev))
			} else if prev, dup := seenPhone[v.phone]; dup {
				fs.Add("phone", "import.duplicateInFile", fmt.Sprintf("repeats row %d", prev))
			}
		}
		if !fs.Empty() {
			rep.Failed++
			for f, e := range fs.Fields {
				rep.Errors = append(rep.Errors, ImportError{Row: line, Column: columnOf(f), Key: e.Key, Message: e.Message})
			}
			continue
		}
		seenPIN[v.pinfl], seenPhone[v.phone] = line, line
		goods = append(goods, good{v: v, partner: in.PartnerID, branchID: in.BranchID})
	}
	// Registered PINFLs are left alone; phones of other employed couriers
	// are conflicts. Both looked up in bulk, as the system (see
	// checkDuplicates); a holder the viewer may not see is reported as onboarding
	// reports it — taken elsewhere, nothing of the holder, and audited — so
	// an import cannot be used to probe other partners' couriers.
	sys := authz.SystemContext(ctx, "couriersvc.import")
	pinHolders, phoneHolders := map[string]int{}, map[string]int{}
	for start := 0; start < len(goods); start += 1000 {
		end := min(start+1000, len(goods))
		pins := make([]string, 0, end-start)
		phs := make([]string, 0, end-start)
		for _, g := range goods[start:end] {
			pins = append(pins, g.v.pinfl)
			phs = append(phs, g.v.phone)
		}
		got, err := tx.Courier.Query().Where(courier.PinflIn(pins...)).Select(courier.FieldID, courier.FieldPinfl).All(sys)
		if err != nil {
			return err
		}
		for _, c := range got {
			pinHolders[c.Pinfl] = c.ID
		}
		got, err = tx.Courier.Query().
			Where(courier.PhoneIn(phs...), courier.StatusNEQ(courier.StatusFired)).
			Select(courier.FieldID, courier.FieldPhone).All(sys)
		if err != nil {
			return err
		}
		for _, c := range got {
			phoneHolders[c.Phone] = c.ID
		}
	}
	holderIDs := make([]int, 0, len(pinHolders)+len(phoneHolders))
	for _, id := range pinHolders {
		holderIDs = append(holderIDs, id)
	}
	for _, id := range phoneHolders {
		holderIDs = append(holderIDs, id)
	}
	seen := map[int]bool{}
	if len(holderIDs) > 0 {
		ids, err := tx.Courier.Query().Where(courier.IDIn(holderIDs...)).IDs(ctx) // under the viewer's scope
		if err != nil {
			return err
		}
		for _, id := range ids {
			seen[id] = true
		}
	}
	elsewhere := func(g good, field, value string, id int) {
		e := errTakenElsewhere[field]
		rep.Failed++
		rep.Errors = append(rep.Errors, ImportError{Row: seenPIN[g.v.pinfl], Column: field, Key: e.Key, Message: e.Message})
		rep.elsewhere = append(rep.elsewhere, &takenElsewhere{err: e, holder: id, field: field, value: value})
	}
	var create []good
	for _, g := range goods {
		pinID, pinTaken := pinHolders[g.v.pinfl]
		phoneID, phoneTaken := phoneHolders[g.v.phone]
		switch {
		case pinTaken && !seen[pinID]:
			elsewhere(g, "pinfl", g.v.pinfl, pinID)
		case pinTaken:
			rep.Unchanged++
		case phoneTaken && !seen[phoneID]:
			elsewhere(g, "phone", g.v.phone, phoneID)
		case phoneTaken:
			rep.Failed++
			rep.Errors = append(rep.Errors, ImportError{Row: seenPIN[g.v.pinfl], Column: "phone", Key: "courier.duplicate", Message: "phone is already registered to a courier"})
		default:
			create = append(create, g)
		}
	}
	rep.Created = len(create)
	if opts.DryRun {
		return nil
	}
	if rep.Failed > 0 && !opts.AllowPartial {
		rep.Created = 0
		return nil
	}
	// Batches: one INSERT per 500 couriers and one for their history (the
	// hooks, audit included, still see every row).
	for start := 0; start < len(create); start += 500 {
		chunk := create[start:min(start+500, len(create))]
		cb := make([]*ent.CourierCreate, len(chunk))
		for i, g := range chunk {
			cb[i] = s.courierCreate(tx, g.v, g.partner, g.branchID)
		}
		cs, err := tx.Courier.CreateBulk(cb...).Save(ctx)
		if err != nil {
			return fmt.Errorf("rows %d–%d: %w", seenPIN[chunk[0].v.pinfl], seenPIN[chunk[len(chunk)-1].v.pinfl], err)
		}
		hb := make([]*ent.CourierStatusChangeCreate, len(cs))
		for i, c := range cs {
			hb[i] = historyCreate(ctx, tx, c.ID, nil, courier.StatusNew, "imported", "", c.CreatedAt)
		}
		if err := tx.CourierStatusChange.CreateBulk(hb...).Exec(ctx); err != nil {
			return fmt.Errorf("history: %w", err)
		}
	}
	return nil
}

// importRefs maps the names and ids of active partners and branches to
// ids, as the system sees them, and tells which ids are in the viewer's
// scope: a row naming one outside it is told so, not "no such partner".
func importRefs(ctx context.Context, tx *ent.Client) (partners, branches map[string]int, visible map[int]bool, err error) {
	partners, branches, visible = map[string]int{}, map[string]int{}, map[int]bool{}
	sys := authz.SystemContext(ctx, "couriersvc")
	ps, err := tx.Partner.Query().Where(partner.ArchivedAtIsNil()).All(sys)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, p := range ps {
		partners[strings.ToLower(p.Name)] = p.ID
		partners[fmt.Sprint(p.ID)] = p.ID
	}
	bs, err := tx.Branch.Query().Where(branch.ArchivedAtIsNil()).All(sys)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, b := range bs {
		branches[strings.ToLower(b.Code)] = b.ID
		branches[fmt.Sprint(b.ID)] = b.ID
	}
	pids, err := tx.Partner.Query().Where(partner.ArchivedAtIsNil()).IDs(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	bids, err := tx.Branch.Query().Where(branch.ArchivedAtIsNil()).IDs(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, id := range append(pids, bids...) {
		visible[id] = true
	}
	return partners, branches, visible, nil
}

// columnOf names the file column of a field error.
func columnOf(field string) string {
	switch field {
	case "lastName":
		return "last_name"
	case "firstName":
		return "first_name"
	case "middleName":
		return "middle_name"
	case "birthDate":
		return "birth_date"
	case "transportType":
		return "transport_type"
	case "vehiclePlate":
		return "vehicle_plate"
	case "partnerID":
		return "partner"
	case "branchID":
		return "branch"
	}
	return field
}

func allEmpty(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", "02.01.2006", "2.1.2006", "02/01/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// datesFromSerials replaces each date cell's display text ("09-20-90" in
// Excel's default date format, or whatever the locale shows) by its ISO
// date: a date cell stores a day serial, and excelize formats it with the
// cell's number format, so a cell whose raw value is a number but whose
// shown value is not is a date (or time) cell.
func datesFromSerials(shown, raw [][]string) {
	for i := range shown {
		if i >= len(raw) {
			return
		}
		for j := range shown[i] {
			if j >= len(raw[i]) || shown[i][j] == raw[i][j] {
				continue
			}
			serial, err := strconv.ParseFloat(raw[i][j], 64)
			if err != nil {
				continue
			}
			if _, err := strconv.ParseFloat(strings.ReplaceAll(shown[i][j], ",", ""), 64); err == nil {
				continue // a number shown with separators, not a date
			}
			if t, err := excelize.ExcelDateToTime(serial, false); err == nil {
				shown[i][j] = t.Format("2006-01-02")
			}
		}
	}
}

// importLimits bound what reading an import file may cost: the spreadsheet
// checks (zip bomb, rows, columns) of xlsxsafe, with the import's row cap.
var importLimits = func() xlsxsafe.Limits {
	l := xlsxsafe.DefaultLimits
	l.MaxRows = MaxImportRows + 1 // the header
	return l
}()

// readTable reads an XLSX (zip) or CSV file into rows of cells. Neither
// reading may cost much more than the file's size: an XLSX is checked
// before it is unzipped, and both stop at the row and column caps.
func readTable(data []byte) ([][]string, error) {
	if xlsxsafe.IsZip(data) {
		rows, raw, err := xlsxsafe.ReadFirstSheet(data, importLimits)
		switch {
		case errors.Is(err, xlsxsafe.ErrTooLarge):
			return nil, importFileError("import.tooLarge", fmt.Sprintf("the workbook unpacks to more than %d MiB", importLimits.MaxUnzippedBytes>>20), "Файл слишком большой")
		case errors.Is(err, xlsxsafe.ErrTooManyRows):
			return nil, errTooManyRows
		case errors.Is(err, xlsxsafe.ErrTooManyColumns):
			return nil, errTooManyColumns
		case errors.Is(err, xlsxsafe.ErrNoSheets):
			return nil, importFileError("import.empty", "the workbook has no sheets", "В книге нет листов")
		case err != nil:
			return nil, importFileError("import.badXlsx", "the file is not a readable XLSX workbook", "Файл не является книгой XLSX")
		}
		datesFromSerials(rows, raw)
		return rows, nil
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // Excel's UTF-8 BOM
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return nil, importFileError("import.notText", "the file is neither UTF-8 CSV nor XLSX", "Файл не является CSV (UTF-8) или XLSX")
	}
	comma := ','
	if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		comma = ';' // Excel in Russian locales saves CSV with semicolons
	}
	// A line of a million separators would be a million fields before any
	// check could see the record: count them first.
	if maxFields(data, byte(comma)) > importLimits.MaxColumns {
		return nil, errTooManyColumns
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = comma
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	var rows [][]string
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, importFileError("import.badCsv", fmt.Sprintf("the CSV is malformed at line %d", pe.Line), "Ошибка формата CSV")
			}
			return nil, importFileError("import.badCsv", "the CSV is malformed", "Ошибка формата CSV")
		}
		if len(rows) == importLimits.MaxRows {
			return nil, errTooManyRows
		}
		for i, c := range row { // our exports neutralise formula-like cells; read them back as they were
			row[i] = csvsafe.Restore(c)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

var (
	errTooManyRows    = importFileError("import.tooManyRows", fmt.Sprintf("the file has more than %d rows", MaxImportRows), "Слишком много строк")
	errTooManyColumns = importFileError("import.tooManyColumns", fmt.Sprintf("the file has more than %d columns", importLimits.MaxColumns), "Слишком много столбцов")
)

// maxFields is the largest number of fields of any CSV record in data:
// separators outside quotes, plus one.
func maxFields(data []byte, comma byte) int {
	most, fields, quoted := 0, 1, false
	for _, b := range data {
		switch {
		case b == '"':
			quoted = !quoted // an escaped quote ("") toggles twice
		case quoted:
		case b == comma:
			fields++
		case b == '\n':
			most, fields = max(most, fields), 1
		}
	}
	return max(most, fields)
}

// mapHeader finds each known column in the header row; an unknown column or
// a missing required one refuses the whole file.
func mapHeader(header []string) (map[string]int, error) {
	alias := map[string]string{}
	for col, names := range ImportColumns {
		for _, n := range names {
			alias[n] = col
		}
	}
	cols := map[string]int{}
	var unknown []string
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" {
			continue
		}
		col, ok := alias[h]
		if exportOnly[h] {
			continue // columns an export adds; an export imports back as is
		}
		if !ok {
			unknown = append(unknown, h)
			continue
		}
		if _, dup := cols[col]; dup {
			return nil, importFileError("import.duplicateColumn", "column "+col+" appears twice", "Столбец повторяется: "+col)
		}
		cols[col] = i
	}
	var missing []string
	for _, c := range requiredColumns {
		if _, ok := cols[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(unknown) > 0 || len(missing) > 0 {
		e := apperr.New(apperr.CodeBadUserInput, "import.columns",
			fmt.Sprintf("wrong columns: unknown [%s], missing [%s]", strings.Join(unknown, ", "), strings.Join(missing, ", "))).
			WithRu("Неверные столбцы файла")
		return nil, e.WithDetail("unknownColumns", unknown).WithDetail("missingColumns", missing)
	}
	return cols, nil
}
