// Package verify is household economic-status verification (家庭经济状况核对):
// the county checks what a household declared against what other
// departments know, with the household's authorisation (SAIM Art. 58;
// policy reference §6).
//
// The pieces, in the order data flows through them:
//
//   - Source: one department's dataset (tax and wage income, pensions, real
//     estate, vehicles, deaths, …) with its fields, key, department and
//     refresh cadence. Catalog lists the built-in ones; an administrator can
//     add more (Source.Validate).
//   - Mapping and Parser: a file's columns bound to a source's fields, and
//     each row parsed and validated into a Record, or refused as a Reject
//     that names the row, the column and the reason. Parsing touches no
//     store and keeps no rows: imports stream in constant memory.
//   - Authorisation (授权书): who signed, when, for which sources, until
//     when. "Authorise first, then check; no entrustment, no check; check
//     only, do not decide" (先授权后核对、无委托不核对、只核对不认定, policy
//     reference §6): Authorised refuses a household without a valid one.
//   - Matcher: departments' records joined to registry persons by the ID
//     number's blind index and folded into per-person Findings (verified
//     income by type over the reference period, assets, flags). One matcher
//     serves one household on demand and millions in a batch.
//   - Report (核对报告): per household, the results per source, the
//     discrepancies between declared and verified values, and the program
//     criteria as the rules engine sees them on verified values. The report
//     informs; the caseworker decides.
package verify
