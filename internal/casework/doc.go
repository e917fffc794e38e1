// Package casework holds applications for assistance and their statutory
// workflow (DESIGN.md §7): the states an application passes through, the
// actions that move it, who may take each action, the deadline of every
// step in working days, the task each step puts in someone's inbox, and the
// decision at the end.
//
// The package is pure: Apply takes an application, an action and the
// environment (today, the actor, the working-day calendar, the parameters
// in force) and returns what changes. The store writes the change in one
// transaction, guarded by the application's version, so two caseworkers
// acting on the same step at once cannot both succeed.
//
// The steps follow ../shared/policy/policy-reference.md §1.8 (Dibao, DB57),
// §2.4 (Tekun), §3 (marginal, rigid expense), §4 (Linshi), §8 (disability
// subsidies) and §9 (orphans). Deadlines are parameters
// (workflow.<program>.*), so a county's own time limits apply.
//
// Materials and home-visit photos may be uploaded as files (attachment.go):
// CheckUpload accepts JPEG, PNG and PDF by their content, never by their
// name, and an uploaded material counts as received through add_materials.
package casework
