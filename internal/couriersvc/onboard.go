package couriersvc

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/pinfl"
)

// OnboardInput is what registering a courier takes.
type OnboardInput struct {
	LastName      string
	FirstName     string
	MiddleName    *string
	Phone         string
	PINFL         string
	BirthDate     *time.Time
	TransportType courier.TransportType
	VehiclePlate  *string
	PartnerID     *int
	BranchID      *int
}

// UpdateInput changes the given fields of a courier; nil leaves a field as
// it is, an empty MiddleName or VehiclePlate clears it.
type UpdateInput struct {
	LastName      *string
	FirstName     *string
	MiddleName    *string
	Phone         *string
	PINFL         *string
	BirthDate     *time.Time
	TransportType *courier.TransportType
	VehiclePlate  *string
	PartnerID     *int
	BranchID      *int
	ClearPartner  bool
	ClearBranch   bool
}

// valid is a checked, normalised courier record.
type valid struct {
	last, first, middle string
	phone, pinfl        string
	birth               time.Time
	gender              pinfl.Gender
	transport           courier.TransportType
	plate               string
}

// check validates the fields of a (new or resulting) courier record,
// collecting every problem in fs.
func (s *Service) check(in OnboardInput, fs *Fields) valid {
	var v valid
	if n, e := NormalizeName(in.LastName, true); e != nil {
		fs.Add("lastName", e.Key, e.Message)
	} else {
		v.last = n
	}
	if n, e := NormalizeName(in.FirstName, true); e != nil {
		fs.Add("firstName", e.Key, e.Message)
	} else {
		v.first = n
	}
	if in.MiddleName != nil {
		if n, e := NormalizeName(*in.MiddleName, false); e != nil {
			fs.Add("middleName", e.Key, e.Message)
		} else {
			v.middle = n
		}
	}
	if p, e := NormalizePhone(in.Phone); e != nil {
		fs.Add("phone", e.Key, e.Message)
	} else {
		v.phone = p
	}
	pinOK := false
	if e := CheckPINFL(in.PINFL); e != nil {
		fs.Add("pinfl", e.Key, e.Message)
	} else {
		v.pinfl, pinOK = in.PINFL, true
		v.gender, _ = pinfl.GenderOf(in.PINFL)
	}
	d, e := CheckBirthDate(in.BirthDate, in.PINFL, pinOK, s.now())
	if e != nil {
		fs.Add("birthDate", e.Key, e.Message)
	}
	v.birth = d
	if courier.TransportTypeValidator(in.TransportType) != nil {
		fs.Add("transportType", "validation.invalidValue", "is not one of the allowed values")
	} else {
		v.transport = in.TransportType
		plate := ""
		if in.VehiclePlate != nil {
			plate = *in.VehiclePlate
		}
		if p, e := NormalizePlate(plate, in.TransportType); e != nil {
			fs.Add("vehiclePlate", e.Key, e.Message)
		} else {
			v.plate = p
		}
	}
	return v
}

// Onboard registers a new courier in status new, with a first status
// history entry.
func (s *Service) Onboard(ctx context.Context, in OnboardInput) (*ent.Courier, error) {
	var out *ent.Courier
	err := s.inTx(ctx, func(tx *ent.Client) error {
		var fs Fields
		v := s.check(in, &fs)
		if err := checkRefs(ctx, tx, &fs, in.PartnerID, in.BranchID); err != nil {
			return err
		}
		if err := fs.Err(); err != nil {
			return err
		}
		if err := checkDuplicates(ctx, tx, v.pinfl, v.phone, 0); err != nil {
			return err
		}
		c, err := s.create(ctx, tx, v, in.PartnerID, in.BranchID)
		if err != nil {
			return err
		}
		out = c
		return nil
	})
	if err != nil {
		err = s.auditTakenElsewhere(ctx, s.explainConflict(ctx, err, 0, in.PINFL, in.Phone), "onboardCourier")
		return nil, fmt.Errorf("onboard: %w", err)
	}
	return out, nil
}

// create inserts a checked courier and its first history entry.
func (s *Service) create(ctx context.Context, tx *ent.Client, v valid, partnerID, branchID *int) (*ent.Courier, error) {
	c, err := s.courierCreate(tx, v, partnerID, branchID).Save(ctx)
	if err != nil {
		return nil, err
	}
	if err := history(ctx, tx, c.ID, nil, courier.StatusNew, "onboarded", "", c.CreatedAt); err != nil {
		return nil, err
	}
	return c, nil
}

// courierCreate builds the insert of a checked courier in status new.
func (s *Service) courierCreate(tx *ent.Client, v valid, partnerID, branchID *int) *ent.CourierCreate {
	now := s.now()
	cr := tx.Courier.Create().
		SetLastName(v.last).SetFirstName(v.first).SetMiddleName(v.middle).
		SetPhone(v.phone).SetPinfl(v.pinfl).SetBirthDate(v.birth).
		SetTransportType(v.transport).SetVehiclePlate(v.plate).
		SetNillablePartnerID(partnerID).SetNillableBranchID(branchID).
		SetStatus(courier.StatusNew).SetStatusChangedAt(now).SetCreatedAt(now).SetUpdatedAt(now).
		SetDocumentStatus(courier.DocumentStatusMissing)
	if v.gender != "" {
		cr.SetGender(courier.Gender(v.gender))
	}
	return cr
}

// Update changes a courier's personal and work data. Status and documents
// change only through their own operations.
func (s *Service) Update(ctx context.Context, id int, in UpdateInput) (*ent.Courier, error) {
	var out *ent.Courier
	err := s.inTx(ctx, func(tx *ent.Client) error {
		cur, err := getCourier(ctx, tx, id)
		if err != nil {
			return err
		}
		res := OnboardInput{
			LastName: cur.LastName, FirstName: cur.FirstName, MiddleName: &cur.MiddleName,
			Phone: cur.Phone, PINFL: cur.Pinfl, TransportType: cur.TransportType,
			VehiclePlate: &cur.VehiclePlate,
		}
		set := func(dst *string, src *string) {
			if src != nil {
				*dst = *src
			}
		}
		set(&res.LastName, in.LastName)
		set(&res.FirstName, in.FirstName)
		if in.MiddleName != nil {
			res.MiddleName = in.MiddleName
		}
		set(&res.Phone, in.Phone)
		set(&res.PINFL, in.PINFL)
		if in.TransportType != nil {
			res.TransportType = *in.TransportType
			if !NeedsPlate(res.TransportType) && in.VehiclePlate == nil {
				empty := ""
				res.VehiclePlate = &empty
			}
		}
		if in.VehiclePlate != nil {
			res.VehiclePlate = in.VehiclePlate
		}
		res.BirthDate = in.BirthDate
		if in.BirthDate == nil && in.PINFL == nil {
			res.BirthDate = &cur.BirthDate
		}
		var fs Fields
		v := s.check(res, &fs)
		if err := checkRefs(ctx, tx, &fs, in.PartnerID, in.BranchID); err != nil {
			return err
		}
		if err := fs.Err(); err != nil {
			return err
		}
		var pin, ph string
		if v.pinfl != cur.Pinfl {
			pin = v.pinfl
		}
		if v.phone != cur.Phone {
			ph = v.phone
		}
		if err := checkDuplicates(ctx, tx, pin, ph, id); err != nil {
			return err
		}
		u := tx.Courier.UpdateOneID(id).
			SetLastName(v.last).SetFirstName(v.first).SetMiddleName(v.middle).
			SetPhone(v.phone).SetPinfl(v.pinfl).SetBirthDate(v.birth).
			SetTransportType(v.transport).SetVehiclePlate(v.plate)
		if ph != "" {
			// A corrected number leaves the migration's duplicate flag
			// behind and is unique from now on.
			u.SetPhoneDuplicate(false)
		}
		if v.gender != "" {
			u.SetGender(courier.Gender(v.gender))
		}
		switch {
		case in.ClearPartner:
			u.ClearPartnerID()
		case in.PartnerID != nil:
			u.SetPartnerID(*in.PartnerID)
		}
		switch {
		case in.ClearBranch:
			u.ClearBranchID()
		case in.BranchID != nil:
			u.SetBranchID(*in.BranchID)
		}
		if _, err := u.Save(ctx); err != nil {
			return err
		}
		if v.transport != cur.TransportType {
			if err := s.refreshDocumentStatus(ctx, tx, id); err != nil {
				return err
			}
		}
		out, err = getCourier(ctx, tx, id)
		if errors.Is(err, apperr.ErrNotFound) {
			// It was visible before the change: the change took it out
			// of the viewer's scope, and rolls back.
			return ErrMovesOutOfScope
		}
		return err
	})
	if err != nil {
		var pin, ph string
		if in.PINFL != nil {
			pin = *in.PINFL
		}
		if in.Phone != nil {
			ph = *in.Phone
		}
		err = s.auditTakenElsewhere(ctx, s.explainConflict(ctx, err, id, pin, ph), "updateCourier")
		return nil, fmt.Errorf("update courier[%d]: %w", id, err)
	}
	return out, nil
}
