// Package referral is the passing of a household's needs to the department
// or charity that can meet them (转介): "one door acceptance, collaborative
// handling" (一门受理、协同办理), the classified transfer of needs that
// civil affairs cannot meet itself (DESIGN.md §1; issue 6).
//
// The pieces:
//
//   - Partner: a department or charity in the directory (协作单位): its kind
//     (medical insurance and health, education, housing, human resources and
//     social security, the disabled persons' federation, legal aid, the
//     trade union, a charity), the region it serves (a region code prefix)
//     and the needs it meets. Check refuses a referral to a partner that is
//     inactive, does not serve the household's region, or does not meet
//     one of the needs, saying which.
//   - Referral: one household's needs passed to one partner, with the
//     household's consent (who, on which day, how: a signed form or a
//     witnessed verbal consent; no consent, no referral), its documents,
//     and optionally the application or warning it came from. It runs
//     sent → accepted | declined (with the reason) → done (the result
//     recorded), each step with its action log.
//   - Deadlines are working days from policy parameters that the policy
//     reference does not fix (referral.accept_wd: the partner accepts or
//     declines; referral.result_wd: the result after acceptance). A county
//     without them cannot send: the error names the parameter. An overdue
//     referral escalates a level a day on the sending side (the household's
//     township, then the county approver, then the city's supervisor, as
//     casework.NextLevel), so it shows in their lists as escalated.
//
// The package holds no SQL and no HTTP: Store is implemented by
// internal/store, the pages and API by internal/web.
package referral
