package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"

	"github.com/mycourier/mycourier/internal/authz"
)

// The analytics summaries (internal/analyticssvc/summary): daily counts kept
// in the same transaction as each status change, courier change and ledger
// row, so the dashboard reads a few thousand rows instead of millions. They
// are written with plain SQL upserts by hooks and read by the analytics
// service as the system; nobody reads them through the API. Dimension ids
// are 0 where the record has none (a unique index treats NULLs as distinct).

// SummaryMixin gives a summary table the common privacy policy (no role
// reads or writes it directly: authz.Entities lists it as system-only).
type SummaryMixin struct{ mixin.Schema }

// Policy of the SummaryMixin.
func (SummaryMixin) Policy() ent.Policy { return authz.Policy() }

// summaryAnnotations keep a summary out of the GraphQL schema.
func summaryAnnotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// courierDims are the dimensions every courier summary is cut by.
func courierDims() []ent.Field {
	return []ent.Field{
		field.Int("partner_id").Default(0).Comment("0: no partner"),
		field.Int("branch_id").Default(0).Comment("0: no branch"),
		field.String("transport_type").MaxRuneLen(20),
	}
}

// CourierDayStat counts one day's lifecycle events of the couriers of one
// partner, branch and transport type (the couriers' current ones).
type CourierDayStat struct{ ent.Schema }

// Mixin of the CourierDayStat.
func (CourierDayStat) Mixin() []ent.Mixin { return []ent.Mixin{SummaryMixin{}} }

// Fields of the CourierDayStat.
func (CourierDayStat) Fields() []ent.Field {
	return append([]ent.Field{
		field.Int("day").Comment("local day in Tashkent as yyyymmdd"),
	}, append(courierDims(),
		field.Int("registered").Default(0).Comment("onboarded or imported"),
		field.Int("submitted").Default(0),
		field.Int("activated").Default(0),
		field.Int("blocked").Default(0),
		field.Int("unblocked").Default(0),
		field.Int("fired").Default(0),
		field.Int("rehired").Default(0),
		field.Int("active_delta").Default(0).Comment("change of the active count that day"),
		field.Int("fired_within_7d").Default(0).Comment("of the couriers activated this day, fired within 7 days"),
		field.Int("fired_within_30d").Default(0).Comment("of the couriers activated this day, fired within 30 days"),
	)...)
}

// Indexes of the CourierDayStat.
func (CourierDayStat) Indexes() []ent.Index {
	return []ent.Index{index.Fields("day", "partner_id", "branch_id", "transport_type").Unique()}
}

// Annotations of the CourierDayStat.
func (CourierDayStat) Annotations() []schema.Annotation { return summaryAnnotations() }

// CourierReasonStat counts one day's blocks and firings by reason.
type CourierReasonStat struct{ ent.Schema }

// Mixin of the CourierReasonStat.
func (CourierReasonStat) Mixin() []ent.Mixin { return []ent.Mixin{SummaryMixin{}} }

// Fields of the CourierReasonStat.
func (CourierReasonStat) Fields() []ent.Field {
	return append([]ent.Field{field.Int("day")}, append(courierDims(),
		field.String("to_status").MaxRuneLen(20).Comment("blocked or fired"),
		field.String("reason").MaxRuneLen(100),
		field.Int("n").Default(0),
	)...)
}

// Indexes of the CourierReasonStat.
func (CourierReasonStat) Indexes() []ent.Index {
	return []ent.Index{index.Fields("day", "partner_id", "branch_id", "transport_type", "to_status", "reason").Unique().
		StorageKey("courier_reason_stats_cell")}
}

// Annotations of the CourierReasonStat.
func (CourierReasonStat) Annotations() []schema.Annotation { return summaryAnnotations() }

// CourierActivationStat counts one day's activations by how many whole
// days they took from registration (or rehire): the funnel's median and p90.
type CourierActivationStat struct{ ent.Schema }

// Mixin of the CourierActivationStat.
func (CourierActivationStat) Mixin() []ent.Mixin { return []ent.Mixin{SummaryMixin{}} }

// Fields of the CourierActivationStat.
func (CourierActivationStat) Fields() []ent.Field {
	return append([]ent.Field{field.Int("day")}, append(courierDims(),
		field.Int("delay_days"),
		field.Int("n").Default(0),
	)...)
}

// Indexes of the CourierActivationStat.
func (CourierActivationStat) Indexes() []ent.Index {
	return []ent.Index{index.Fields("day", "partner_id", "branch_id", "transport_type", "delay_days").Unique().
		StorageKey("courier_activation_stats_cell")}
}

// Annotations of the CourierActivationStat.
func (CourierActivationStat) Annotations() []schema.Annotation { return summaryAnnotations() }

// CourierCount is how many couriers of one partner, branch and transport
// type are in one status now.
type CourierCount struct{ ent.Schema }

// Mixin of the CourierCount.
func (CourierCount) Mixin() []ent.Mixin { return []ent.Mixin{SummaryMixin{}} }

// Fields of the CourierCount.
func (CourierCount) Fields() []ent.Field {
	return append(courierDims(),
		field.String("status").MaxRuneLen(20),
		field.Int("n").Default(0),
	)
}

// Indexes of the CourierCount.
func (CourierCount) Indexes() []ent.Index {
	return []ent.Index{index.Fields("partner_id", "branch_id", "transport_type", "status").Unique()}
}

// Annotations of the CourierCount.
func (CourierCount) Annotations() []schema.Annotation { return summaryAnnotations() }

// StockDayStat sums one day's ledger rows of one warehouse, equipment type,
// movement kind and reason.
type StockDayStat struct{ ent.Schema }

// Mixin of the StockDayStat.
func (StockDayStat) Mixin() []ent.Mixin { return []ent.Mixin{SummaryMixin{}} }

// Fields of the StockDayStat.
func (StockDayStat) Fields() []ent.Field {
	return []ent.Field{
		field.Int("day"),
		field.Int("warehouse_id"),
		field.Int("equipment_type_id"),
		field.String("kind").MaxRuneLen(20),
		field.String("reason").MaxRuneLen(100).Default("").Comment("write-offs and adjustments only"),
		field.Int("rows").Default(0),
		field.Int("quantity").Default(0).Comment("signed sum, as the ledger"),
		field.Int64("value").Default(0).Comment("signed sum of quantity × unit cost"),
	}
}

// Indexes of the StockDayStat.
func (StockDayStat) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("day", "warehouse_id", "equipment_type_id", "kind", "reason").Unique(),
		index.Fields("kind", "day"),
	}
}

// Annotations of the StockDayStat.
func (StockDayStat) Annotations() []schema.Annotation { return summaryAnnotations() }

// CourierLossStat sums one day's write-offs of units couriers of one
// partner, branch and transport type held (lost or damaged on them), by the
// warehouse that wrote them off: the loss rate per partner without joining
// the ledger to the couriers. Like the other courier summaries it follows a
// courier's current cell.
type CourierLossStat struct{ ent.Schema }

// Mixin of the CourierLossStat.
func (CourierLossStat) Mixin() []ent.Mixin { return []ent.Mixin{SummaryMixin{}} }

// Fields of the CourierLossStat.
func (CourierLossStat) Fields() []ent.Field {
	return append([]ent.Field{field.Int("day")}, append(courierDims(),
		field.Int("warehouse_id"),
		field.Int("rows").Default(0),
		field.Int("quantity").Default(0).Comment("signed sum, as the ledger (negative)"),
		field.Int64("value").Default(0).Comment("signed sum of quantity × unit cost"),
	)...)
}

// Indexes of the CourierLossStat.
func (CourierLossStat) Indexes() []ent.Index {
	return []ent.Index{index.Fields("day", "partner_id", "branch_id", "transport_type", "warehouse_id").Unique().
		StorageKey("courier_loss_stats_cell")}
}

// Annotations of the CourierLossStat.
func (CourierLossStat) Annotations() []schema.Annotation { return summaryAnnotations() }

// StockTotal sums every ledger row ever written of one warehouse, equipment
// type and movement kind: all-time figures (what couriers still hold of a
// warehouse's issues) without summing two years of stock_day_stats.
type StockTotal struct{ ent.Schema }

// Mixin of the StockTotal.
func (StockTotal) Mixin() []ent.Mixin { return []ent.Mixin{SummaryMixin{}} }

// Fields of the StockTotal.
func (StockTotal) Fields() []ent.Field {
	return []ent.Field{
		field.Int("warehouse_id"),
		field.Int("equipment_type_id"),
		field.String("kind").MaxRuneLen(20),
		field.Int("rows").Default(0),
		field.Int("quantity").Default(0).Comment("signed sum, as the ledger"),
		field.Int64("value").Default(0).Comment("signed sum of quantity × unit cost"),
	}
}

// Indexes of the StockTotal.
func (StockTotal) Indexes() []ent.Index {
	return []ent.Index{index.Fields("warehouse_id", "equipment_type_id", "kind").Unique().StorageKey("stock_totals_cell")}
}

// Annotations of the StockTotal.
func (StockTotal) Annotations() []schema.Annotation { return summaryAnnotations() }
