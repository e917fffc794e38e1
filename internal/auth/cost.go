package auth

// SetTestCost lowers the argon2id cost for new hashes to the minimum, for
// tests and the demo's bulk user creation. Hashes made with it still verify
// after the cost is raised again, since each hash records its parameters.
func SetTestCost() {
	argon2Params.memory = 1024
	argon2Params.time = 1
	argon2Params.threads = 1
}
