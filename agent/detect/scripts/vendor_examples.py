#!/usr/bin/env python3
"""Prints the true-positive examples of `secret.vendor_prefixed` (agent/detect/src/detectors/secret.rs).

Every token is drawn here from its format (prefix, alphabet, length, checksum) with a fixed seed, so
the examples are ours and can be regenerated: `python3 agent/detect/scripts/vendor_examples.py`.
None is a real credential.
"""
import base64, random

rng = random.Random(12)
LOWER, UPPER, DIGITS = "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789"
HEX = "0123456789abcdef"
ALNUM = LOWER + UPPER + DIGITS
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "_-"


def draw(alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


# bech32 (BIP 173) as age writes its secret keys: HRP "age-secret-key-", upper case.
CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        b = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (b >> i) & 1 else 0
    return chk


def bech32(hrp, data8):
    acc, bits, data = 0, 0, []
    for b in data8:
        acc = acc << 8 | b
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append(acc >> bits & 31)
    if bits:
        data.append(acc << (5 - bits) & 31)
    hrp_exp = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    pm = polymod(hrp_exp + data + [0] * 6) ^ 1
    data += [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return (hrp + "1" + "".join(CHARSET[d] for d in data)).upper()


def uuid():
    return f"{draw(HEX, 8)}-{draw(HEX, 4)}-4{draw(HEX, 3)}-a{draw(HEX, 3)}-{draw(HEX, 12)}"


examples = [
    "DIGITALOCEAN_TOKEN=doo_v1_" + draw(HEX, 64),
    "DT_API_TOKEN=dt0c01." + draw(UPPER + DIGITS, 24) + "." + draw(UPPER + DIGITS, 64),
    "DOPPLER_TOKEN=dp.st.prd." + draw(ALNUM, 43),
    "POSTMAN_API_KEY=PMAK-" + draw(HEX, 24) + "-" + draw(HEX, 34),
    "PREFECT_API_KEY=pnu_" + draw(ALNUM, 36),
    "PULUMI_ACCESS_TOKEN=pul-" + draw(HEX, 40),
    "README_API_KEY=rdme_" + draw(LOWER + DIGITS, 70),
    "rubygems_" + draw(HEX, 48),
    "NEW_RELIC_LICENSE=NRII-" + draw(URLSAFE, 32),
    "HEROKU_API_KEY=HRKU-AA" + draw(URLSAFE, 58),
    "DATABRICKS_TOKEN=dapi" + draw(HEX, 32),
    "CLOJARS_PASSWORD=CLOJARS_" + draw(LOWER + DIGITS, 60),
    "FLWSECK_TEST-" + draw(HEX, 32) + "-X",
    "FRAMEIO_TOKEN=fio-u-" + draw(URLSAFE, 64),
    "INFRACOST_API_KEY=ico-" + draw(ALNUM, 32),
    "SHIPPO_API_TOKEN=shippo_live_" + draw(HEX, 40),
    "SQUARE_ACCESS_TOKEN=sq0atp-" + draw(URLSAFE, 22),
    "SQUARE_SECRET=sq0csp-" + draw(URLSAFE, 43),
    "SETTLEMINT_TOKEN=sm_pat_" + draw(ALNUM, 16),
    "PERPLEXITY_API_KEY=pplx-" + draw(ALNUM, 48),
    "DUFFEL_TOKEN=duffel_live_" + draw(URLSAFE, 43),
    "EASYPOST_API_KEY=EZAK" + draw(ALNUM, 54),
    "PLANETSCALE_PASSWORD=pscale_pw_" + draw(URLSAFE, 43),
    "TWITTER_BEARER_TOKEN=" + "A" * 22 + draw(ALNUM, 24) + "%3D" + draw(ALNUM, 50),
    "YC_IAM_TOKEN=t1." + draw(URLSAFE, 40) + "." + draw(URLSAFE, 86),
    "YANDEX_API_KEY=AQVN" + draw(URLSAFE, 36),
    "OP_SERVICE_ACCOUNT_TOKEN=ops_eyJ" + base64.b64encode(
        ('{"signInAddress":"my.1password.com","userAuth":{"method":"SRPg-4096"},"secret":"' + draw(ALNUM, 180) + '"}').encode()
    ).decode().rstrip("=")[3:],
    "A3-" + draw(UPPER + DIGITS, 6) + "-" + draw(UPPER + DIGITS, 6) + "-" + "-".join(draw(UPPER + DIGITS, 5) for _ in range(4)),
    bech32("age-secret-key-", bytes(rng.randrange(256) for _ in range(32))),
    "BUNDLE_ENTERPRISE__CONTRIBSYS__COM=" + draw(HEX, 8) + ":" + draw(HEX, 8),
    "source 'https://" + draw(HEX, 8) + ":" + draw(HEX, 8) + "@gems.contribsys.com/'",
    "AIRTABLE_TOKEN=pat" + draw(ALNUM, 14) + "." + draw(HEX, 64),
    "HARNESS_TOKEN=pat." + draw(URLSAFE, 22) + "." + draw(ALNUM, 24) + "." + draw(ALNUM, 20),
    "SENTRY_AUTH_TOKEN=sntryu_" + draw(HEX, 64),
    "GRAFANA_API_KEY=eyJrIjoi" + draw(ALNUM, 72),
    "SCALINGO_API_TOKEN=tk-us-" + draw(URLSAFE, 48),
    "PLAID_ACCESS_TOKEN=access-production-" + uuid(),
    "LOB_API_KEY=live_" + draw(HEX, 35),
    "ADOBE_CLIENT_SECRET=p8e-" + draw(ALNUM, 32),
    "ALIBABA_ACCESS_KEY_ID=LTAI" + draw(ALNUM, 20),
    "ARTIFACTORY_API_KEY=AKCp" + draw(ALNUM, 69),
    "FT_SECRET=s-s4t2ud-" + draw(HEX, 64),
    "AWS_BEARER_TOKEN_BEDROCK=ABSK" + base64.b64encode(("BedrockAPIKey-" + draw(ALNUM, 12) + "-at-" + draw(DIGITS, 12) + ":" + draw(B64, 60)).encode()).decode(),
    "MAILCHIMP_KEY=" + draw(HEX, 32) + "-us" + str(rng.randrange(1, 21)),
    "https://acme.webhook.office.com/webhookb2/" + uuid() + "@" + uuid() + "/IncomingWebhook/" + draw(HEX, 32) + "/" + uuid(),
    "https://discord.com/api/webhooks/" + draw(DIGITS, 19) + "/" + draw(URLSAFE, 68),
    "https://acct.blob.core.windows.net/c?sv=2023-01-03&se=2025-06-19T08%3A45%3A11Z&sr=c&sp=r&sig=" + draw(ALNUM, 40) + "%2B" + draw(ALNUM, 3) + "%3D",
    "BITBUCKET_TOKEN=BBDC-" + base64.b64encode((draw(DIGITS, 12) + ":" + draw(ALNUM, 20)).encode()).decode().rstrip("="),
    "ROOTLY_API_KEY=rootly_" + draw(HEX, 64),
    "CIRCLECI_TOKEN=CCIPAT_" + draw(ALNUM, 22) + "_" + draw(HEX, 40),
]
for e in examples:
    # The key names are left out (a keyed rule would find the value anyway): the rule must see the
    # token alone. The Sidekiq credential has no shape without its key, so it keeps it.
    key, sep, value = e.partition("=")
    if sep and key.isupper() and not key.startswith("BUNDLE_") and "://" not in key:
        e = value
    print(e)
