package graph

import (
	"strings"

	"github.com/mycourier/mycourier/graph/model"
	"github.com/mycourier/mycourier/internal/analyticssvc"
)

// analyticsFilter translates the GraphQL filter for the analytics service.
func analyticsFilter(f model.AnalyticsFilter) analyticssvc.Filter {
	out := analyticssvc.Filter{From: f.From, To: f.To, PartnerIDs: f.PartnerIDs, RegionIDs: f.RegionIDs, BranchIDs: f.BranchIDs}
	for _, t := range f.TransportTypes {
		out.TransportTypes = append(out.TransportTypes, string(t))
	}
	return out
}

func analyticsInterval(iv model.AnalyticsInterval) analyticssvc.Interval {
	return analyticssvc.Interval(strings.ToLower(string(iv)))
}

// pointers adapts a service's slice of values to gqlgen's slice of pointers.
func pointers[T any](xs []T, err error) ([]*T, error) {
	if err != nil {
		return nil, err
	}
	out := make([]*T, len(xs))
	for i := range xs {
		out[i] = &xs[i]
	}
	return out, nil
}
