// Package handover renders the handover act (акт приёма-передачи) signed
// when equipment is issued to or returned by a courier: a one-page PDF in
// Russian, Uzbek (Latin) or English. The font (DejaVu Sans, with Cyrillic;
// licence in fonts/LICENSE) is embedded, so the binary needs no system font.
package handover

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/httperror"
	"github.com/mycourier/mycourier/internal/platform/logging"
)

//go:embed fonts/DejaVuSans.ttf
var dejaVuSans []byte

// Lang is a language an act can be printed in.
type Lang string

// Languages of the act; Russian is the default.
const (
	Russian Lang = "ru"
	Uzbek   Lang = "uz"
	English Lang = "en"
)

// ParseLang reads a language code, defaulting to Russian.
func ParseLang(s string) Lang {
	switch Lang(strings.ToLower(strings.TrimSpace(s))) {
	case Uzbek:
		return Uzbek
	case English:
		return English
	}
	return Russian
}

// Kinds of act.
const (
	KindIssue  = "issue"
	KindReturn = "return"
)

// Act is what a handover act shows.
type Act struct {
	Kind             string // KindIssue or KindReturn
	Company          string
	Warehouse        string
	WarehouseAddress string
	Date             time.Time
	DocumentNumber   string
	CourierName      string
	// CourierPINFL is shown as given: pass it masked.
	CourierPINFL string
	// StaffName is who issued or accepted the equipment.
	StaffName string
	Lines     []Line
	Comment   string
}

// Line is one row of the act.
type Line struct {
	Name      string
	Size      string
	Serial    string
	Condition string // new, used, damaged
	Quantity  int
	UnitCost  int64
}

type labels struct {
	title, issue, ret, company, warehouse, date, number, courier, pinfl,
	no, name, size, serial, condition, qty, cost, total, issuedBy, acceptedBy, handedBy,
	receivedBy, signature, comment, statement string
	conditions map[string]string
}

var texts = map[Lang]labels{
	Russian: {
		title: "АКТ ПРИЁМА-ПЕРЕДАЧИ ЭКИПИРОВКИ", issue: "выдача курьеру", ret: "возврат от курьера",
		company: "Организация", warehouse: "Склад", date: "Дата", number: "Номер документа",
		courier: "Курьер", pinfl: "ПИНФЛ", no: "№", name: "Наименование", size: "Размер", serial: "Серийный №",
		condition: "Состояние", qty: "Кол-во", cost: "Стоимость, сум", total: "Итого",
		issuedBy: "Выдал", acceptedBy: "Принял", handedBy: "Сдал", receivedBy: "Получил",
		signature: "подпись", comment: "Комментарий",
		statement:  "Стороны подтверждают передачу перечисленной экипировки в указанном состоянии и количестве.",
		conditions: map[string]string{"new": "новое", "used": "б/у", "damaged": "повреждено"},
	},
	Uzbek: {
		title: "JIHOZLARNI QABUL QILISH-TOPSHIRISH DALOLATNOMASI", issue: "kuryerga berish", ret: "kuryerdan qaytarish",
		company: "Tashkilot", warehouse: "Ombor", date: "Sana", number: "Hujjat raqami",
		courier: "Kuryer", pinfl: "JShShIR", no: "№", name: "Nomi", size: "O‘lcham", serial: "Seriya raqami",
		condition: "Holati", qty: "Soni", cost: "Narxi, so‘m", total: "Jami",
		issuedBy: "Berdi", acceptedBy: "Qabul qildi", handedBy: "Topshirdi", receivedBy: "Oldi",
		signature: "imzo", comment: "Izoh",
		statement:  "Tomonlar ko‘rsatilgan jihozlar ko‘rsatilgan holatda va miqdorda topshirilganini tasdiqlaydi.",
		conditions: map[string]string{"new": "yangi", "used": "ishlatilgan", "damaged": "shikastlangan"},
	},
	English: {
		title: "EQUIPMENT HANDOVER ACT", issue: "issue to courier", ret: "return from courier",
		company: "Company", warehouse: "Warehouse", date: "Date", number: "Document number",
		courier: "Courier", pinfl: "PINFL", no: "#", name: "Item", size: "Size", serial: "Serial no.",
		condition: "Condition", qty: "Qty", cost: "Cost, UZS", total: "Total",
		issuedBy: "Issued by", acceptedBy: "Accepted by", handedBy: "Handed over by", receivedBy: "Received by",
		signature: "signature", comment: "Comment",
		statement:  "The parties confirm the handover of the equipment listed, in the condition and quantity stated.",
		conditions: map[string]string{"new": "new", "used": "used", "damaged": "damaged"},
	},
}

// Render writes the act as a PDF.
func Render(w io.Writer, a *Act, lang Lang) error {
	t, ok := texts[lang]
	if !ok {
		t = texts[Russian]
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(t.title+" "+a.DocumentNumber, true)
	pdf.SetCreator("mycourier", true)
	pdf.AddUTF8FontFromBytes("DejaVu", "", dejaVuSans)
	pdf.SetMargins(15, 15, 15)
	pdf.AddPage()

	kind := t.issue
	if a.Kind == KindReturn {
		kind = t.ret
	}
	pdf.SetFont("DejaVu", "", 14)
	pdf.MultiCell(0, 7, t.title, "", "C", false)
	pdf.SetFont("DejaVu", "", 11)
	pdf.CellFormat(0, 6, fmt.Sprintf("%s %s (%s)", t.number, a.DocumentNumber, kind), "", 1, "C", false, 0, "")
	pdf.Ln(4)

	pdf.SetFont("DejaVu", "", 10)
	field := func(label, value string) {
		if value == "" {
			return
		}
		pdf.CellFormat(45, 6, label+":", "", 0, "L", false, 0, "")
		pdf.MultiCell(0, 6, value, "", "L", false)
	}
	field(t.company, a.Company)
	wh := a.Warehouse
	if a.WarehouseAddress != "" {
		wh += ", " + a.WarehouseAddress
	}
	field(t.warehouse, wh)
	field(t.date, a.Date.Format("02.01.2006 15:04"))
	field(t.courier, a.CourierName)
	field(t.pinfl, a.CourierPINFL)
	pdf.Ln(3)

	cols := []struct {
		head  string
		width float64
		align string
	}{
		{t.no, 8, "C"}, {t.name, 55, "L"}, {t.size, 15, "C"}, {t.serial, 32, "L"},
		{t.condition, 25, "L"}, {t.qty, 15, "R"}, {t.cost, 30, "R"},
	}
	pdf.SetFont("DejaVu", "", 9)
	pdf.SetFillColor(235, 235, 235)
	for _, c := range cols {
		pdf.CellFormat(c.width, 7, c.head, "1", 0, "C", true, 0, "")
	}
	pdf.Ln(-1)
	var units int
	var total int64
	for i, l := range a.Lines {
		cond := t.conditions[l.Condition]
		if cond == "" {
			cond = l.Condition
		}
		cost := int64(l.Quantity) * l.UnitCost
		units += l.Quantity
		total += cost
		cells := []string{fmt.Sprint(i + 1), fit(pdf, l.Name, cols[1].width), l.Size, l.Serial, cond, fmt.Sprint(l.Quantity), money(cost)}
		for j, c := range cols {
			pdf.CellFormat(c.width, 6, cells[j], "1", 0, c.align, false, 0, "")
		}
		pdf.Ln(-1)
	}
	var wsum float64
	for _, c := range cols[:5] {
		wsum += c.width
	}
	pdf.CellFormat(wsum, 6, t.total, "1", 0, "R", false, 0, "")
	pdf.CellFormat(cols[5].width, 6, fmt.Sprint(units), "1", 0, "R", false, 0, "")
	pdf.CellFormat(cols[6].width, 6, money(total), "1", 1, "R", false, 0, "")
	pdf.Ln(4)

	if a.Comment != "" {
		field(t.comment, a.Comment)
	}
	pdf.MultiCell(0, 5, t.statement, "", "L", false)
	pdf.Ln(10)

	// Who hands over and who receives, by direction.
	staffRole, courierRole := t.issuedBy, t.receivedBy
	if a.Kind == KindReturn {
		staffRole, courierRole = t.acceptedBy, t.handedBy
	}
	sign := func(role, name string) {
		pdf.CellFormat(35, 8, role+":", "", 0, "L", false, 0, "")
		pdf.CellFormat(55, 8, "", "B", 0, "L", false, 0, "")
		pdf.CellFormat(5, 8, "", "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 8, name, "", 1, "L", false, 0, "")
		pdf.SetFont("DejaVu", "", 7)
		pdf.CellFormat(35, 4, "", "", 0, "L", false, 0, "")
		pdf.CellFormat(55, 4, "("+t.signature+")", "", 1, "C", false, 0, "")
		pdf.SetFont("DejaVu", "", 10)
		pdf.Ln(6)
	}
	sign(staffRole, a.StaffName)
	sign(courierRole, a.CourierName)

	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("handover: render %s: %w", a.DocumentNumber, err)
	}
	return nil
}

// fit shortens s to the cell width.
func fit(pdf *fpdf.Fpdf, s string, width float64) string {
	for pdf.GetStringWidth(s) > width-2 && len([]rune(s)) > 4 {
		r := []rune(s)
		s = string(r[:len(r)-2]) + "…"
	}
	return s
}

// money formats UZS with thin groups: 1 250 000.
func money(v int64) string {
	s := fmt.Sprint(v)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Loader finds the act of a document number for the viewer in ctx.
type Loader func(ctx context.Context, documentNumber string) (*Act, error)

// Handler serves GET …/{documentNumber}.pdf?lang=ru|uz|en. Wrap it in the
// sign-in middleware: it answers 401 without a viewer, 404 for a document
// that does not exist or that the viewer may not see.
func Handler(load Loader) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if authz.FromContext(r.Context()) == nil {
			httperror.Write(w, r, http.StatusUnauthorized, string(apperr.CodeUnauthenticated), "error.unauthenticated", "sign in to continue")
			return
		}
		name := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		number := strings.TrimSuffix(name, ".pdf")
		act, err := load(r.Context(), number)
		switch {
		case database.Unavailable(err):
			logging.FromContext(r.Context()).Warn().Err(err).Str("document", number).Msg("handover: load act: unavailable")
			httperror.Unavailable(w, r)
			return
		case errors.Is(err, apperr.ErrNotFound):
			httperror.Write(w, r, http.StatusNotFound, string(apperr.CodeNotFound), "error.notFound", "act not found")
			return
		case errors.Is(err, apperr.ErrForbidden):
			httperror.Write(w, r, http.StatusForbidden, string(apperr.CodeForbidden), "error.forbidden", "forbidden")
			return
		case err != nil:
			logging.FromContext(r.Context()).Error().Err(err).Str("document", number).Msg("handover: load act")
			httperror.Write(w, r, http.StatusInternalServerError, string(apperr.CodeInternal), "error.internal", "internal error")
			return
		}
		var buf bytes.Buffer
		if err := Render(&buf, act, ParseLang(r.URL.Query().Get("lang"))); err != nil {
			logging.FromContext(r.Context()).Error().Err(err).Msg("handover: render")
			httperror.Write(w, r, http.StatusInternalServerError, string(apperr.CodeInternal), "error.internal", "internal error")
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s.pdf"`, number))
		w.Header().Set("Cache-Control", "private, no-store")
		_, _ = w.Write(buf.Bytes())
	})
}
