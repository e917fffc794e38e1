package store

import (
	"context"
	"fmt"

	"safetynet/internal/civil"
	"safetynet/internal/monitor"
	"safetynet/internal/referral"
)

// ReferralOutcomes counts the referrals sent in [from, to] about
// households in region by the next level of division codes (as
// WarningStats does), with what has become of them as of today: waiting
// for the partner's answer, accepted, declined, done, and overdue (waiting
// or accepted past their deadline). The monitoring dashboard shows them
// beside the warnings of the same period; ReferralStats counts every
// referral ever sent.
func (db *DB) ReferralOutcomes(ctx context.Context, region string, from, to, today civil.Date) ([]referral.RegionStats, error) {
	lo, hi := prefixRange(region)
	key := fmt.Sprintf("SUBSTR(r.region_code, 1, %d)", monitor.ChildLen(region))
	rows, err := db.query(ctx, `SELECT `+key+`, COUNT(*),
		SUM(CASE WHEN r.status = 'sent' THEN 1 ELSE 0 END), SUM(CASE WHEN r.status = 'accepted' THEN 1 ELSE 0 END),
		SUM(CASE WHEN r.status = 'declined' THEN 1 ELSE 0 END), SUM(CASE WHEN r.status = 'done' THEN 1 ELSE 0 END),
		SUM(CASE WHEN r.status IN ('sent', 'accepted') AND `+dueExpr+` < ? THEN 1 ELSE 0 END)
		FROM referrals r WHERE r.region_code >= ? AND r.region_code < ? AND r.sent_on >= ? AND r.sent_on <= ?
		GROUP BY 1 ORDER BY 1`, today, lo, hi, from, to)
	return collect(rows, err, func(sc scanner) (referral.RegionStats, error) {
		var s referral.RegionStats
		return s, sc.Scan(&s.Region, &s.Sent, &s.Waiting, &s.Accepted, &s.Declined, &s.Done, &s.Overdue)
	})
}
