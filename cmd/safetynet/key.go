package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"safetynet/internal/pii"
)

func runKey(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: safetynet key create [--algorithm sm4-gcm|aes-256-gcm] FILE")
	}
	fs := flag.NewFlagSet("key create", flag.ContinueOnError)
	alg := fs.String("algorithm", string(pii.SM4GCM), "sm4-gcm (the national standard, default) or aes-256-gcm")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("name the key file to create")
	}
	k, err := pii.CreateKeyFile(fs.Arg(0), pii.Algorithm(*alg))
	if err != nil {
		return err
	}
	fmt.Printf("Created %s (%s, key id %s, mode 0600). Back it up apart from the database: personal data cannot be read without it.\n", fs.Arg(0), k.Algorithm(), k.ID())
	return nil
}
