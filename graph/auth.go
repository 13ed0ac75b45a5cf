package graph

import (
	"github.com/mycourier/mycourier/graph/model"
	"github.com/mycourier/mycourier/internal/authsvc"
)

func authPayload(t *authsvc.Tokens) *model.AuthPayload {
	return &model.AuthPayload{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, ExpiresAt: t.ExpiresAt, User: t.User}
}

// optIDs keeps "not given" (nil: leave as is) apart from "given empty".
func optIDs(ids []int) *[]int {
	if ids == nil {
		return nil
	}
	return &ids
}

func int64Ptr(v *int) *int64 {
	if v == nil {
		return nil
	}
	x := int64(*v)
	return &x
}
