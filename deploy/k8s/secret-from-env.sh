#!/usr/bin/env bash
# Prints the two Secrets the stack reads, built from this shell's environment
# (nothing secret is kept in the repository):
#
#   export DJANGO_SECRET_KEY=… DATABASE_URL=… REDIS_URL=… REDIS_PASSWORD=… \
#          AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… \
#          C2PA_SIGN_CERT_FILE=chain.pem C2PA_SIGN_KEY_FILE=signer.key
#   deploy/k8s/secret-from-env.sh sora | kubectl apply -f -
#
# A cluster with External Secrets or Sealed Secrets makes the same two names.
set -euo pipefail
namespace="${1:?usage: secret-from-env.sh NAMESPACE}"
missing=()
for name in DJANGO_SECRET_KEY DATABASE_URL REDIS_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY C2PA_SIGN_CERT_FILE C2PA_SIGN_KEY_FILE; do
  [[ -n "${!name:-}" ]] || missing+=("$name")
done
if ((${#missing[@]})); then
  echo "secret-from-env.sh: set ${missing[*]}" >&2
  exit 2
fi
kubectl create secret generic sora-secrets --namespace "$namespace" --dry-run=client -o yaml \
  --from-literal=DJANGO_SECRET_KEY="$DJANGO_SECRET_KEY" \
  --from-literal=DATABASE_URL="$DATABASE_URL" \
  --from-literal=REDIS_URL="$REDIS_URL" \
  --from-literal=REDIS_PASSWORD="${REDIS_PASSWORD:-}" \
  --from-literal=AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" \
  --from-literal=AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY"
echo "---"
kubectl create secret generic sora-c2pa --namespace "$namespace" --dry-run=client -o yaml \
  --from-file=chain.pem="$C2PA_SIGN_CERT_FILE" \
  --from-file=signer.key="$C2PA_SIGN_KEY_FILE"
