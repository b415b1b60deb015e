/*
 * t-sigv4.c - AWS Signature Version 4 against the AWS SigV4 test suite
 * (aws-sig-v4-test-suite, as shipped in awslabs/aws-c-auth under
 * tests/aws-signing-test-suite/v4): for each request its canonical
 * request, string to sign and Authorization header byte for byte, with
 * the suite's key AKIDEXAMPLE and time stamp 20150830T123600Z; then
 * what does not fit is refused.
 */
#include <string.h>

#include "sigv4.h"
#include "tap.h"

#define SECRET		"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define DATE		"20150830T123600Z"
#define EMPTY_HASH	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca49" \
			"5991b7852b855"
#define SCOPE		"20150830/us-east-1/service/aws4_request"
#define CRED		"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/" SCOPE

static const struct sigv4_hdr h_vanilla[] = {
	{ "Host", "example.amazonaws.com" }, { "X-Amz-Date", DATE }
};
static const struct sigv4_hdr h_trim[] = {
	{ "Host", "example.amazonaws.com" }, { "My-Header1", " value1" },
	{ "My-Header2", " \"a   b   c\"" }, { "X-Amz-Date", DATE }
};
static const struct sigv4_hdr h_form[] = {
	{ "Content-Type", "application/x-www-form-urlencoded" },
	{ "Host", "example.amazonaws.com" }, { "Content-Length", "13" },
	{ "X-Amz-Date", DATE },
	{ "x-amz-content-sha256", "9095672bbd1f56dfc5b65f3e153adc8731a4a6541"
	    "92329106275f4c7b24d0b6e" }
};

static const struct {
	const char		*name;
	const char		*method;
	const char		*query;
	const struct sigv4_hdr	*hdrs;
	size_t			 nhdrs;
	const char		*body;
	const char		*canon;
	const char		*sts_hash;	/* last line of the STS */
	const char		*sig;
} vec[] = {
	{ "get-vanilla", "GET", "", h_vanilla, 2, "",
	    "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:" DATE "\n\n"
	    "host;x-amz-date\n" EMPTY_HASH,
	    "bb579772317eb040ac9ed261061d46c1"
	    "f17a8133879d6129b6e1c25292927e63",
	    "5fa00fa31553b73ebf1942676e86291e"
	    "8372ff2a2260956d9b8aae1d763fbf31" },
	{ "post-vanilla", "POST", "", h_vanilla, 2, "",
	    "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:" DATE "\n\n"
	    "host;x-amz-date\n" EMPTY_HASH,
	    "553f88c9e4d10fc9e109e2aeb65f0308"
	    "01b70c2f6468faca261d401ae622fc87",
	    "5da7c1a2acd57cee7505fc6676e4e544"
	    "621c30862966e37dddb68e92efbe5d6b" },
	{ "post-vanilla-query", "POST", "Param1=value1", h_vanilla, 2, "",
	    "POST\n/\nParam1=value1\nhost:example.amazonaws.com\nx-amz-date:"
	    DATE "\n\nhost;x-amz-date\n" EMPTY_HASH,
	    "9d659678c1756bb3113e2ce898845a0a"
	    "79dbbc57b740555917687f1b3340fbbd",
	    "28038455d6de14eafc1f9222cf5aa6f1"
	    "a96197d7deb8263271d420d138af7f11" },
	{ "get-vanilla-query-order-key-case", "GET",
	    "Param2=value2&Param1=value1", h_vanilla, 2, "",
	    "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\n"
	    "x-amz-date:" DATE "\n\nhost;x-amz-date\n" EMPTY_HASH,
	    "816cd5b414d056048ba4f7c5386d6e05"
	    "33120fb1fcfa93762cf0fc39e2cf19e0",
	    "b97d918cfa904a5beff61c982a1b6f45"
	    "8b799221646efd99d3219ec94cdf2500" },
	{ "get-header-value-trim", "GET", "", h_trim, 4, "",
	    "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\n"
	    "my-header2:\"a b c\"\nx-amz-date:" DATE "\n\n"
	    "host;my-header1;my-header2;x-amz-date\n" EMPTY_HASH,
	    "a726db9b0df21c14f559d0a978e56311"
	    "2acb1b9e05476f0a6a1c7d68f28605c7",
	    "acc3ed3afb60bb290fc8d2dd0098b991"
	    "1fcaa05412b367055dee359757a9c736" },
	{ "post-x-www-form-urlencoded", "POST", "", h_form, 5,
	    "Param1=value1",
	    "POST\n/\n\ncontent-length:13\n"
	    "content-type:application/x-www-form-urlencoded\n"
	    "host:example.amazonaws.com\nx-amz-content-sha256:"
	    "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e\n"
	    "x-amz-date:" DATE "\n\n"
	    "content-length;content-type;host;x-amz-content-sha256;x-amz-date\n"
	    "9095672bbd1f56dfc5b65f3e153adc87"
	    "31a4a654192329106275f4c7b24d0b6e",
	    "b1edd1d03544c25390e32085d55b57ac"
	    "c9a3961bb59415ff86c45c3d89d16cfb",
	    "d3875051da38690788ef43de4db0d8f2"
	    "80229d82040bfac253562e56c3f20e0b" },
};

static void
t_vector(size_t i)
{
	char hash[SIGV4_HEX_LEN + 1], canon[SIGV4_CANON_MAX];
	char sts[SIGV4_STS_MAX], want[SIGV4_STS_MAX], auth[SIGV4_AUTH_MAX];
	char wauth[SIGV4_AUTH_MAX];
	const char *start, *end;
	struct sigv4_req r;

	sigv4_sha256_hex(vec[i].body, strlen(vec[i].body), hash);
	memset(&r, 0, sizeof(r));
	r.method = vec[i].method;
	r.path = "/";
	r.query = vec[i].query;
	r.hdrs = vec[i].hdrs;
	r.nhdrs = vec[i].nhdrs;
	r.payload_hash = hash;
	r.amz_date = DATE;
	r.region = "us-east-1";
	r.service = "service";
	ok(sigv4_canonical(&r, canon, sizeof(canon)) == 0, "%s: canonical",
	    vec[i].name);
	is_str(canon, vec[i].canon, "%s: canonical request", vec[i].name);
	snprintf(want, sizeof(want), "AWS4-HMAC-SHA256\n" DATE "\n" SCOPE
	    "\n%s", vec[i].sts_hash);
	ok(sigv4_string_to_sign(&r, canon, sts, sizeof(sts)) == 0,
	    "%s: string to sign", vec[i].name);
	is_str(sts, want, "%s: string to sign as in the suite", vec[i].name);
	ok(sigv4_authorization(&r, "AKIDEXAMPLE", SECRET, strlen(SECRET),
	    auth, sizeof(auth)) == 0, "%s: authorization", vec[i].name);
	/* SignedHeaders: the canonical request's line before the hash */
	end = strrchr(vec[i].canon, '\n');
	for (start = end; start > vec[i].canon && start[-1] != '\n'; start--)
		continue;
	snprintf(wauth, sizeof(wauth), "%s, SignedHeaders=%.*s, Signature=%s",
	    CRED, (int)(end - start), start, vec[i].sig);
	is_str(auth, wauth, "%s: Authorization as in the suite",
	    vec[i].name);
}

/* Wrong secret, too small buffers, too many headers: refused or other. */
static void
t_limits(void)
{
	struct sigv4_hdr many[SIGV4_HDRS_MAX + 1];
	char sig[SIGV4_HEX_LEN + 1], small[32];
	struct sigv4_req r;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.method = "POST";
	r.path = "/";
	r.query = "";
	r.hdrs = h_vanilla;
	r.nhdrs = 2;
	r.payload_hash = EMPTY_HASH;
	r.amz_date = DATE;
	r.region = "us-east-1";
	r.service = "service";
	ok(sigv4_signature(&r, "x" SECRET, strlen(SECRET) + 1, sig) == 0 &&
	    strcmp(sig, vec[1].sig) != 0, "another secret, another signature");
	ok(sigv4_canonical(&r, small, sizeof(small)) == -1,
	    "a canonical request that does not fit is refused");
	ok(sigv4_authorization(&r, "AKIDEXAMPLE", SECRET, strlen(SECRET),
	    small, sizeof(small)) == -1, "so is an Authorization value");
	for (i = 0; i < SIGV4_HDRS_MAX + 1; i++) {
		many[i].name = "X-A";
		many[i].value = "b";
	}
	r.hdrs = many;
	r.nhdrs = SIGV4_HDRS_MAX + 1;
	ok(sigv4_signature(&r, SECRET, strlen(SECRET), sig) == -1,
	    "more than SIGV4_HDRS_MAX headers are refused");
	r.hdrs = h_vanilla;
	r.nhdrs = 2;
	r.amz_date = "20150830";
	ok(sigv4_signature(&r, SECRET, strlen(SECRET), sig) == -1,
	    "a date without its time is refused");
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++)
		t_vector(i);
	t_limits();
	return done_testing();
}
