package couriersvc

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/courierdocument"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/idempotency"
)

// Kind is a document kind.
type Kind = courierdocument.Kind

// RequiredDocuments lists, per transport type, the groups of documents a
// courier needs before activation; one verified, unexpired document of each
// group suffices (a passport or an ID card prove identity alike).
func RequiredDocuments(t courier.TransportType) [][]Kind {
	groups := [][]Kind{
		{courierdocument.KindPassport, courierdocument.KindIDCard},
		{courierdocument.KindMedicalCertificate},
		{courierdocument.KindContract},
		{courierdocument.KindPhoto},
	}
	if NeedsPlate(t) {
		groups = append(groups, []Kind{courierdocument.KindDriverLicense})
	}
	return groups
}

// AllowedContentTypes are the file types accepted, by their sniffed type.
var AllowedContentTypes = map[string]string{
	"application/pdf": ".pdf",
	"image/jpeg":      ".jpg",
	"image/png":       ".png",
}

// DocumentInput describes a document; a file may come with it.
type DocumentInput struct {
	CourierID int
	Kind      Kind
	Number    *string
	IssuedAt  *time.Time
	ExpiresAt *time.Time
	File      *File
	// IdempotencyKey, when set, makes a retry of the same upload return the
	// document the first call created (internal/idempotency).
	IdempotencyKey string
}

// File is an uploaded file.
type File struct {
	Name    string
	Size    int64
	Content io.Reader
}

// AddDocument records a document of a courier. A document of the same kind
// the courier already has is archived: the new one replaces it.
func (s *Service) AddDocument(ctx context.Context, in DocumentInput) (*ent.CourierDocument, error) {
	var fs Fields
	if courierdocument.KindValidator(in.Kind) != nil {
		fs.Add("kind", "validation.invalidValue", "is not one of the allowed values")
	}
	number := ""
	if in.Number != nil {
		number = strings.TrimSpace(*in.Number)
		if utf8.RuneCountInString(number) > 50 {
			fs.Add("number", "validation.tooLong", "is too long")
		}
	}
	if in.IssuedAt != nil && in.IssuedAt.After(s.now()) {
		fs.Add("issuedAt", "document.issuedInFuture", "cannot be in the future")
	}
	if in.IssuedAt != nil && in.ExpiresAt != nil && !in.ExpiresAt.After(*in.IssuedAt) {
		fs.Add("expiresAt", "document.expiresBeforeIssued", "must be after the issue date")
	}
	if err := fs.Err(); err != nil {
		return nil, fmt.Errorf("add document: %w", err)
	}
	// A keyed request is fingerprinted with the file's content, so the
	// upload is read once here (the transport caps its size).
	var content []byte
	fileSum := ""
	if in.File != nil && strings.TrimSpace(in.IdempotencyKey) != "" {
		b, err := io.ReadAll(io.LimitReader(in.File.Content, s.maxFile+1))
		if err != nil {
			return nil, fmt.Errorf("add document: read upload: %w", err)
		}
		content = b
		sum := sha256.Sum256(b)
		fileSum = hex.EncodeToString(sum[:])
	}
	req, err := idempotency.New(ctx, "addCourierDocument", in.IdempotencyKey, map[string]any{
		"courierID": in.CourierID, "kind": in.Kind, "number": number,
		"issuedAt": in.IssuedAt, "expiresAt": in.ExpiresAt, "file": fileSum, "hasFile": in.File != nil,
	})
	if err != nil {
		return nil, fmt.Errorf("add document: %w", err)
	}
	var out *ent.CourierDocument
	err = idempotency.RetryInFlight(ctx, func() error {
		var stored string
		err := s.inTx(ctx, func(tx *ent.Client) error {
			earlier, replay, err := req.Lookup(ctx, tx)
			if err != nil {
				return err
			}
			if replay {
				var id int
				switch v := earlier["documentID"].(type) { // JSON numbers come back as float64
				case float64:
					id = int(v)
				case int:
					id = v
				}
				out, err = getDocument(ctx, tx, id)
				return err
			}
			c, err := getCourier(ctx, tx, in.CourierID)
			if err != nil {
				return err
			}
			// One update per replaced document, so the audit trail names
			// each document archived (a bulk update's event names none).
			replaced, err := tx.CourierDocument.Query().
				Where(courierdocument.CourierID(c.ID), courierdocument.KindEQ(in.Kind), courierdocument.ArchivedAtIsNil()).
				IDs(ctx)
			if err != nil {
				return err
			}
			for _, id := range replaced {
				if err := tx.CourierDocument.UpdateOneID(id).SetArchivedAt(s.now()).Exec(ctx); err != nil {
					return err
				}
			}
			cr := tx.CourierDocument.Create().
				SetCourierID(c.ID).SetKind(in.Kind).SetNumber(number).
				SetNillableIssuedAt(dateOnly(in.IssuedAt)).SetNillableExpiresAt(dateOnly(in.ExpiresAt)).
				SetVerification(courierdocument.VerificationPending).
				SetCreatedAt(s.now()).SetUpdatedAt(s.now())
			if in.File != nil {
				f := *in.File
				if content != nil {
					f.Content = bytes.NewReader(content)
				}
				key, ct, size, err := s.storeFile(ctx, c.ID, &f)
				if err != nil {
					return err
				}
				stored = key
				cr.SetStorageKey(key).SetContentType(ct).SetFileSize(size).SetFileName(cleanName(in.File.Name))
			}
			d, err := cr.Save(ctx)
			if err != nil {
				return err
			}
			out = d
			if err := s.refreshDocumentStatus(ctx, tx, c.ID); err != nil {
				return err
			}
			return req.Record(ctx, tx, map[string]any{"documentID": d.ID})
		})
		if err != nil {
			s.discard(ctx, stored) // this attempt's file: its row rolled back
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("add document: courier[%d]: %w", in.CourierID, err)
	}
	return out, nil
}

// AttachFile stores a (new) file for a document; the document goes back to
// pending verification.
func (s *Service) AttachFile(ctx context.Context, docID int, f File) (*ent.CourierDocument, error) {
	var stored string
	var out *ent.CourierDocument
	err := s.inTx(ctx, func(tx *ent.Client) error {
		d, err := getDocument(ctx, tx, docID)
		if err != nil {
			return err
		}
		key, ct, size, err := s.storeFile(ctx, d.CourierID, &f)
		if err != nil {
			return err
		}
		stored = key
		out, err = tx.CourierDocument.UpdateOneID(docID).
			SetStorageKey(key).SetContentType(ct).SetFileSize(size).SetFileName(cleanName(f.Name)).
			SetVerification(courierdocument.VerificationPending).
			ClearVerifiedAt().ClearVerifiedByID().SetRejectionReason("").
			Save(ctx)
		if err != nil {
			return err
		}
		return s.refreshDocumentStatus(ctx, tx, d.CourierID)
	})
	if err != nil {
		s.discard(ctx, stored)
		return nil, fmt.Errorf("attach file: document[%d]: %w", docID, err)
	}
	// The replaced file is kept: the audit trail may refer to it.
	return out, nil
}

// VerifyDocument marks a document verified by the acting user.
func (s *Service) VerifyDocument(ctx context.Context, docID int) (*ent.CourierDocument, error) {
	return s.review(ctx, docID, courierdocument.VerificationVerified, "")
}

// RejectDocument marks a document rejected with a reason.
func (s *Service) RejectDocument(ctx context.Context, docID int, reason string) (*ent.CourierDocument, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, apperr.InvalidField("reason", "validation.required", "is required")
	case utf8.RuneCountInString(reason) > 500:
		return nil, apperr.InvalidField("reason", "validation.tooLong", "is too long")
	}
	return s.review(ctx, docID, courierdocument.VerificationRejected, reason)
}

func (s *Service) review(ctx context.Context, docID int, v courierdocument.Verification, reason string) (*ent.CourierDocument, error) {
	var out *ent.CourierDocument
	err := s.inTx(ctx, func(tx *ent.Client) error {
		d, err := getDocument(ctx, tx, docID)
		if err != nil {
			return err
		}
		if d.ArchivedAt != nil {
			return apperr.New(apperr.CodeInvalidTransition, "document.archived", "this document was replaced by a newer one").
				WithRu("Документ заменён более новым")
		}
		if v == courierdocument.VerificationVerified && d.StorageKey == "" {
			// A reviewer vouches for what they saw: without a stored scan
			// there is nothing to have seen, and nothing to check later.
			return ErrDocumentFileRequired.WithDetail("documentId", fmt.Sprint(docID))
		}
		// A review decides a pending document once; to decide again, a new
		// scan puts it back to pending (AttachFile). Otherwise a reviewer
		// who opened the page while it was pending would overwrite a
		// colleague's decision they never saw.
		if d.Verification != courierdocument.VerificationPending {
			return ErrDocumentReviewed.WithDetail("verification", string(d.Verification))
		}
		// Conditional on what the reviewer saw: of two reviews racing from
		// the same state (or a review racing a new scan) only one matches.
		sameScan := courierdocument.StorageKey(d.StorageKey)
		if d.StorageKey == "" { // no file: stored as NULL
			sameScan = courierdocument.Or(courierdocument.StorageKeyIsNil(), sameScan)
		}
		u := tx.CourierDocument.UpdateOneID(docID).
			Where(courierdocument.VerificationEQ(d.Verification), sameScan, courierdocument.ArchivedAtIsNil()).
			SetVerification(v).SetRejectionReason(reason).SetVerifiedAt(s.now())
		if vw := authz.FromContext(ctx); vw != nil && vw.Kind == authz.KindUser && vw.ID != 0 {
			u.SetVerifiedByID(vw.ID)
		} else {
			u.ClearVerifiedByID()
		}
		if out, err = u.Save(ctx); err != nil {
			if ent.IsNotFound(err) {
				return ErrDocumentReviewed.WithDetail("verification", string(d.Verification))
			}
			return err
		}
		return s.refreshDocumentStatus(ctx, tx, d.CourierID)
	})
	if err != nil {
		return nil, fmt.Errorf("review document[%d]: %w", docID, err)
	}
	return out, nil
}

func getDocument(ctx context.Context, c *ent.Client, id int) (*ent.CourierDocument, error) {
	d, err := c.CourierDocument.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.NotFound{Entity: "CourierDocument", ID: id}
	}
	return d, err
}

// storeFile checks a file's size and sniffed type and stores it.
func (s *Service) storeFile(ctx context.Context, courierID int, f *File) (key, contentType string, size int64, err error) {
	if s.docs == nil {
		return "", "", 0, ErrNoStorage
	}
	if f.Size > s.maxFile {
		return "", "", 0, apperr.InvalidField("file", "file.tooLarge", fmt.Sprintf("is larger than %d MiB", s.maxFile>>20))
	}
	head := make([]byte, 512)
	n, err := io.ReadFull(f.Content, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", "", 0, fmt.Errorf("read upload: %w", err)
	}
	head = head[:n]
	if n == 0 {
		return "", "", 0, apperr.InvalidField("file", "file.empty", "is empty")
	}
	ct := http.DetectContentType(head)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	if _, ok := AllowedContentTypes[ct]; !ok {
		return "", "", 0, apperr.InvalidField("file", "file.type", "must be a PDF, JPEG or PNG file")
	}
	// One byte past the limit tells a file that lied about its size.
	body := io.LimitReader(io.MultiReader(bytes.NewReader(head), f.Content), s.maxFile+1)
	key, size, err = s.docs.Put(ctx, fmt.Sprintf("couriers/%d/", courierID), body)
	if err != nil {
		return "", "", 0, err
	}
	if size > s.maxFile {
		_ = s.docs.Delete(ctx, key)
		return "", "", 0, apperr.InvalidField("file", "file.tooLarge", fmt.Sprintf("is larger than %d MiB", s.maxFile>>20))
	}
	return key, ct, size, nil
}

// discard removes a file stored by an operation that then failed.
func (s *Service) discard(ctx context.Context, key string) {
	if key != "" && s.docs != nil {
		_ = s.docs.Delete(context.WithoutCancel(ctx), key)
	}
}

func cleanName(n string) string {
	n = strings.Map(func(r rune) rune {
		if r < 32 || r == '/' || r == '\\' || r == '"' {
			return '_'
		}
		return r
	}, n)
	if utf8.RuneCountInString(n) > 200 {
		n = string([]rune(n)[:200])
	}
	return n
}

func dateOnly(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return &d
}

// documentStatus derives a courier's document status from the current
// (unarchived) documents against the required groups: missing before
// expired before rejected before pending; verified only when every group
// has a verified document that has not expired.
func (s *Service) documentStatus(ctx context.Context, tx *ent.Client, c *ent.Courier) (courier.DocumentStatus, error) {
	docs, err := tx.CourierDocument.Query().
		Where(courierdocument.CourierID(c.ID), courierdocument.ArchivedAtIsNil()).
		All(ctx)
	if err != nil {
		return "", err
	}
	return DocumentStatusOf(c.TransportType, docs, s.today()), nil
}

// DocumentProblem is a required document group that is not verified and
// valid, with the best state any of its documents is in.
type DocumentProblem struct {
	Kinds  []Kind
	Status courier.DocumentStatus // missing, pending, rejected or expired
}

// String spells the problem as activationBlockers lists it:
// "documents.missing:passport|id_card".
func (p DocumentProblem) String() string {
	kinds := make([]string, len(p.Kinds))
	for i, k := range p.Kinds {
		kinds[i] = string(k)
	}
	return "documents." + string(p.Status) + ":" + strings.Join(kinds, "|")
}

var statusRank = map[courier.DocumentStatus]int{
	courier.DocumentStatusVerified: 0, courier.DocumentStatusPending: 1,
	courier.DocumentStatusRejected: 2, courier.DocumentStatusExpired: 3, courier.DocumentStatusMissing: 4,
}

// DocumentProblems lists each required group without a verified, unexpired
// document carrying a stored file, in RequiredDocuments order.
func DocumentProblems(t courier.TransportType, docs []*ent.CourierDocument, today time.Time) []DocumentProblem {
	var out []DocumentProblem
	for _, group := range RequiredDocuments(t) {
		best := courier.DocumentStatusMissing
		for _, d := range docs {
			if !slices.Contains(group, d.Kind) {
				continue
			}
			st := courier.DocumentStatusPending
			switch {
			case d.ExpiresAt != nil && d.ExpiresAt.Before(today):
				st = courier.DocumentStatusExpired
			case d.Verification == courierdocument.VerificationVerified && d.StorageKey != "":
				// Verified without a file (before files were required)
				// still waits for its scan.
				st = courier.DocumentStatusVerified
			case d.Verification == courierdocument.VerificationRejected:
				st = courier.DocumentStatusRejected
			}
			if statusRank[st] < statusRank[best] {
				best = st
			}
		}
		if best != courier.DocumentStatusVerified {
			out = append(out, DocumentProblem{Kinds: group, Status: best})
		}
	}
	return out
}

// DocumentStatusOf is the rule documentStatus applies, on given documents:
// the worst state of any required group.
func DocumentStatusOf(t courier.TransportType, docs []*ent.CourierDocument, today time.Time) courier.DocumentStatus {
	worst := courier.DocumentStatusVerified
	for _, p := range DocumentProblems(t, docs, today) {
		if statusRank[p.Status] > statusRank[worst] {
			worst = p.Status
		}
	}
	return worst
}

// documentProblems loads a courier's current documents and lists what is
// wrong with them.
func (s *Service) documentProblems(ctx context.Context, tx *ent.Client, c *ent.Courier) ([]DocumentProblem, error) {
	docs, err := tx.CourierDocument.Query().
		Where(courierdocument.CourierID(c.ID), courierdocument.ArchivedAtIsNil()).
		All(ctx)
	if err != nil {
		return nil, err
	}
	return DocumentProblems(c.TransportType, docs, s.today()), nil
}

// incomplete is ErrDocumentsIncomplete naming each group and its state.
func incomplete(problems []DocumentProblem) error {
	names := make([]string, len(problems))
	for i, p := range problems {
		names[i] = p.String()
	}
	e := ErrDocumentsIncomplete.WithDetail("documents", names)
	e.Message += ": " + strings.Join(names, ", ")
	return e
}

// refreshDocumentStatus stores the derived document status of a courier.
func (s *Service) refreshDocumentStatus(ctx context.Context, tx *ent.Client, courierID int) error {
	c, err := getCourier(ctx, tx, courierID)
	if err != nil {
		return err
	}
	st, err := s.documentStatus(ctx, tx, c)
	if err != nil {
		return err
	}
	if st == c.DocumentStatus {
		return nil
	}
	return tx.Courier.UpdateOneID(courierID).SetDocumentStatus(st).Exec(ctx)
}

// RefreshExpired re-derives the document status of every courier with a
// current document that expired before today but whose status does not yet
// say so. Run it daily (serve does, hourly); it returns how many changed.
func (s *Service) RefreshExpired(ctx context.Context) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *ent.Client) error {
		ids, err := tx.Courier.Query().
			Where(courier.DocumentStatusNEQ(courier.DocumentStatusExpired),
				courier.StatusNEQ(courier.StatusFired),
				courier.HasDocumentsWith(courierdocument.ArchivedAtIsNil(), courierdocument.ExpiresAtLT(s.today()))).
			IDs(ctx)
		if err != nil {
			return err
		}
		for _, id := range ids {
			before, err := tx.Courier.Query().Where(courier.ID(id)).Select(courier.FieldDocumentStatus).String(ctx)
			if err != nil {
				return err
			}
			if err := s.refreshDocumentStatus(ctx, tx, id); err != nil {
				return err
			}
			after, err := tx.Courier.Query().Where(courier.ID(id)).Select(courier.FieldDocumentStatus).String(ctx)
			if err != nil {
				return err
			}
			if before != after {
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("refresh expired documents: %w", err)
	}
	return n, nil
}

// ExpiringDocuments returns a query of current documents that expire
// within days from today (already expired ones included), soonest first.
func (s *Service) ExpiringDocuments(ctx context.Context, days int) (*ent.CourierDocumentQuery, error) {
	if days < 0 || days > 3660 {
		return nil, apperr.InvalidField("days", "validation.invalidValue", "must be between 0 and 3660")
	}
	until := s.today().AddDate(0, 0, days+1)
	return s.clientFor(ctx).CourierDocument.Query().
		Where(courierdocument.ArchivedAtIsNil(), courierdocument.ExpiresAtLT(until)), nil
}

// FileURL is where an authorised user downloads a document's file.
func FileURL(docID int) string { return fmt.Sprintf("/files/courier-documents/%d", docID) }

// ActivationBlockers lists, as message keys, what keeps a courier from
// being activated now; empty when activation would succeed.
func (s *Service) ActivationBlockers(ctx context.Context, c *ent.Courier) ([]string, error) {
	out := []string{}
	if c.Status != courier.StatusNew {
		out = append(out, "courier.invalidTransition")
	}
	if c.PartnerID == nil {
		out = append(out, ErrNoPartner.Key)
	}
	problems, err := s.documentProblems(ctx, s.clientFor(ctx), c)
	if err != nil {
		return nil, err
	}
	for _, p := range problems {
		out = append(out, p.String())
	}
	return out, nil
}
