using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using M2M.Gateway.Registry;
using M2M.Gateway.Tests.Support;
using static M2M.Gateway.Tests.Support.ClaimEdit;

namespace M2M.Gateway.Tests;

/// <summary>A gateway with an enabled, a second and a disabled device, shared by every bad-input case.</summary>
public sealed class BadInputGateway : IAsyncLifetime
{
    public TokenGateway Gateway { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public DeviceCredential Device { get; private set; } = null!;

    public DeviceCredential Other { get; private set; } = null!;

    public DeviceCredential Disabled { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Gateway = await TokenGateway.StartAsync(null, null, null, "--Gateway:Tokens:RequestsPerClient", "100000", "--Gateway:Tokens:RequestsPerAddress", "100000");
        Device = (await Gateway.Registry.AddAsync("sensor-0001", "acme", ["reader"], default))!;
        Other = (await Gateway.Registry.AddAsync("sensor-0002", "acme", [], default))!;
        Disabled = (await Gateway.Registry.AddAsync("sensor-off", "acme", [], default))!;
        await Gateway.Registry.SetEnabledAsync("sensor-off", false, default);
        var clients = Gateway.Service<M2M.Gateway.Access.ServiceClientStore>();
        ClientSecret = (await clients.CreateAsync(ClientId, "billing", ["viewer"], "acme", null, default))!.Secret;
        RevokedSecret = (await clients.CreateAsync(RevokedId, "old", ["viewer"], "acme", null, default))!.Secret;
        await clients.RevokeAsync(RevokedId, default);
        ExpiredSecret = (await clients.CreateAsync(ExpiredId, "gone", ["viewer"], null, null, default))!.Secret;
        await clients.ExpireAsync(ExpiredId, DateTimeOffset.UtcNow, default);
        Client = Gateway.Client();
    }

    /// <summary>An active service client, a revoked one and an expired one, with their secrets.</summary>
    public const string ClientId = "billing-exporter";
    public const string RevokedId = "retired-exporter";
    public const string ExpiredId = "expired-exporter";

    public string ClientSecret { get; private set; } = null!;

    public string RevokedSecret { get; private set; } = null!;

    public string ExpiredSecret { get; private set; } = null!;

    /// <summary>A token request with <c>Authorization: Basic {credentials}</c> and these parameters besides grant_type.</summary>
    public async Task<HttpResponseMessage> PostBasicAsync(string credentials, params (string Name, string Value)[] parameters)
    {
        using var content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), .. parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Value))]);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/oauth2/token", UriKind.Relative)) { Content = content };
        request.Headers.TryAddWithoutValidation("Authorization", "Basic " + credentials);
        return await Client.SendAsync(request);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Gateway.DisposeAsync();
    }

    /// <summary>Claims of a correct assertion of the enabled device, to break one at a time.</summary>
    public Dictionary<string, object> Claims() => TestAssertion.Claims("sensor-0001", Gateway.TokenEndpoint, DateTimeOffset.UtcNow);

    public string Sign(Dictionary<string, object> claims, DeviceCredential? device = null, string header = """{"alg":"HS256","typ":"JWT"}""") =>
        TestAssertion.Sign(DeviceKeyDerivation.DeriveAuthKey((device ?? Device).Secret.Span), claims, header);

    public Task<HttpResponseMessage> PostAsync(params (string, string)[] form) => TokenGateway.RequestTokenAsync(Client, form);

    public Task<HttpResponseMessage> PostAssertionAsync(string assertion) => PostAsync(TokenGateway.Form(assertion));

    public async Task<HttpResponseMessage> PostRawAsync(byte[] body, string? contentType, bool chunked = false, AuthenticationHeaderValue? authorization = null)
    {
        HttpContent content = chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
        if (contentType != null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/oauth2/token", UriKind.Relative)) { Content = content };
        request.Headers.Authorization = authorization;
        if (chunked)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        return await Client.SendAsync(request);
    }
}

/// <summary>
/// The bad-input table of issue #4: every malformed, forged, expired, replayed or unauthorised token
/// request gets the status and OAuth error of docs/protocol.md section 9.1 (RFC 6749 section 5.2),
/// no-store, no token, an audit entry; and a valid request right after still succeeds.
/// </summary>
public class BadTokenRequestsAreRefusedTests(BadInputGateway fixture) : IClassFixture<BadInputGateway>
{
    private const string FormType = "application/x-www-form-urlencoded";
    private const string JwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private static readonly Dictionary<string, (HttpStatusCode Status, string Error, string Reason, Func<BadInputGateway, Task<HttpResponseMessage>> Send)> Cases = new()
    {
        // The HTTP request (RFC 6749 sections 3.2, 4.4.2).
        ["json body"] = (HttpStatusCode.BadRequest, "invalid_request", "wrong_content_type", f => f.PostRawAsync("""{"grant_type":"client_credentials"}"""u8.ToArray(), "application/json")),
        ["no content type"] = (HttpStatusCode.BadRequest, "invalid_request", "wrong_content_type", f => f.PostRawAsync(Form(f, f.Sign(f.Claims())), null)),
        ["multipart body"] = (HttpStatusCode.BadRequest, "invalid_request", "wrong_content_type", f => f.PostRawAsync(Form(f, f.Sign(f.Claims())), "multipart/form-data; boundary=x")),
        ["form in latin-1"] = (HttpStatusCode.BadRequest, "invalid_request", "wrong_content_type", f => f.PostRawAsync(Form(f, f.Sign(f.Claims())), FormType + "; charset=iso-8859-1")),
        ["body not UTF-8"] = (HttpStatusCode.BadRequest, "invalid_request", "malformed_body", f => f.PostRawAsync([.. "grant_type=client_credentials&x="u8, 0xff, 0xfe], FormType)),
        ["repeated grant_type"] = (HttpStatusCode.BadRequest, "invalid_request", "repeated_parameter", f => f.PostAsync([.. TokenGateway.Form(f.Sign(f.Claims())), ("grant_type", "client_credentials")])),
        ["repeated client_assertion"] = (HttpStatusCode.BadRequest, "invalid_request", "repeated_parameter", f => f.PostAsync([.. TokenGateway.Form(f.Sign(f.Claims())), ("client_assertion", f.Sign(f.Claims()))])),
        ["missing grant_type"] = (HttpStatusCode.BadRequest, "invalid_request", "missing_parameter", f => f.PostAsync([.. TokenGateway.Form(f.Sign(f.Claims())).Skip(1)])),
        ["grant_type password"] = (HttpStatusCode.BadRequest, "unsupported_grant_type", "unsupported_grant_type", f => f.PostAsync([("grant_type", "password"), .. TokenGateway.Form(f.Sign(f.Claims())).Skip(1)])),
        ["non-empty scope"] = (HttpStatusCode.BadRequest, "invalid_scope", "invalid_scope", f => f.PostAsync([.. TokenGateway.Form(f.Sign(f.Claims())), ("scope", "admin")])),
        ["missing client_assertion"] = (HttpStatusCode.BadRequest, "invalid_request", "missing_parameter", f => f.PostAsync([.. TokenGateway.Form(f.Sign(f.Claims())).Take(2)])),
        ["no client authentication"] = (HttpStatusCode.Unauthorized, "invalid_client", "no_client_authentication", f => f.PostAsync(("grant_type", "client_credentials"))),
        ["wrong client_assertion_type"] = (HttpStatusCode.Unauthorized, "invalid_client", "unsupported_assertion_type", f => f.PostAsync(("grant_type", "client_credentials"), ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"), ("client_assertion", f.Sign(f.Claims())))),
        ["Bearer authorization header"] = (HttpStatusCode.Unauthorized, "invalid_client", "unsupported_client_authentication", f => f.PostRawAsync("grant_type=client_credentials"u8.ToArray(), FormType, authorization: new AuthenticationHeaderValue("Bearer", "m2m_key_x"))),

        // Service clients' secrets (RFC 6749 sections 2.3.1 and 4.4, docs/tokens.md "Service clients").
        ["Basic credentials not base64"] = (HttpStatusCode.BadRequest, "invalid_request", "malformed_authorization", f => f.PostBasicAsync("not base64!")),
        ["Basic credentials without a colon"] = (HttpStatusCode.BadRequest, "invalid_request", "malformed_authorization", f => f.PostBasicAsync(Convert.ToBase64String("billing-exporter"u8))),
        ["Basic credentials without a secret"] = (HttpStatusCode.BadRequest, "invalid_request", "malformed_authorization", f => f.PostBasicAsync(Convert.ToBase64String("billing-exporter:"u8))),
        ["Basic and client_secret (Basic)"] = (HttpStatusCode.BadRequest, "invalid_request", "multiple_client_authentication", f => f.PostBasicAsync(Basic(BadInputGateway.ClientId, f.ClientSecret), ("client_secret", f.ClientSecret))),
        ["Basic and a client assertion (Basic)"] = (HttpStatusCode.BadRequest, "invalid_request", "multiple_client_authentication", f => f.PostBasicAsync(Basic(BadInputGateway.ClientId, f.ClientSecret), ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), ("client_assertion", f.Sign(f.Claims())))),
        ["client_secret and a client assertion"] = (HttpStatusCode.BadRequest, "invalid_request", "multiple_client_authentication", f => f.PostAsync([.. TokenGateway.Form(f.Sign(f.Claims())), ("client_id", BadInputGateway.ClientId), ("client_secret", f.ClientSecret)])),
        ["client_secret without client_id"] = (HttpStatusCode.BadRequest, "invalid_request", "missing_parameter", f => f.PostAsync(("grant_type", "client_credentials"), ("client_secret", f.ClientSecret))),
        ["Basic client id differs from client_id (Basic)"] = (HttpStatusCode.Unauthorized, "invalid_client", "client_id_mismatch", f => f.PostBasicAsync(Basic(BadInputGateway.ClientId, f.ClientSecret), ("client_id", "other-client"))),
        ["unknown client (Basic)"] = (HttpStatusCode.Unauthorized, "invalid_client", "unknown_client", f => f.PostBasicAsync(Basic("nobody-here", f.ClientSecret))),
        ["wrong client secret (Basic)"] = (HttpStatusCode.Unauthorized, "invalid_client", "bad_client_secret", f => f.PostBasicAsync(Basic(BadInputGateway.ClientId, "m2m_secret_" + new string('A', 43)))),
        ["another client's secret"] = (HttpStatusCode.Unauthorized, "invalid_client", "bad_client_secret", f => f.PostAsync(("grant_type", "client_credentials"), ("client_id", BadInputGateway.ClientId), ("client_secret", f.RevokedSecret))),
        ["an API key as client secret"] = (HttpStatusCode.Unauthorized, "invalid_client", "bad_client_secret", f => f.PostAsync(("grant_type", "client_credentials"), ("client_id", BadInputGateway.ClientId), ("client_secret", "m2m_key_" + new string('A', 43)))),
        ["revoked client"] = (HttpStatusCode.Unauthorized, "invalid_client", "client_revoked", f => f.PostAsync(("grant_type", "client_credentials"), ("client_id", BadInputGateway.RevokedId), ("client_secret", f.RevokedSecret))),
        ["expired client (Basic)"] = (HttpStatusCode.Unauthorized, "invalid_client", "client_expired", f => f.PostBasicAsync(Basic(BadInputGateway.ExpiredId, f.ExpiredSecret))),
        ["client secret with a scope"] = (HttpStatusCode.BadRequest, "invalid_scope", "invalid_scope", f => f.PostAsync(("grant_type", "client_credentials"), ("client_id", BadInputGateway.ClientId), ("client_secret", f.ClientSecret), ("scope", "admin"))),

        // Federation assertions (RFC 7523 sections 2.1 and 3.1; the real provider's in ServicesExchangeAJwtOfATrustedFederationSourceTests).
        ["jwt-bearer without assertion"] = (HttpStatusCode.BadRequest, "invalid_request", "missing_parameter", f => f.PostAsync(("grant_type", JwtBearer))),
        ["jwt-bearer with a client secret"] = (HttpStatusCode.Unauthorized, "invalid_client", "unsupported_client_authentication", f => f.PostAsync(("grant_type", JwtBearer), ("assertion", f.Sign(f.Claims())), ("client_id", BadInputGateway.ClientId), ("client_secret", f.ClientSecret))),
        ["jwt-bearer not a JWT"] = (HttpStatusCode.BadRequest, "invalid_grant", "assertion_malformed_token", f => f.PostAsync(("grant_type", JwtBearer), ("assertion", "not-a-jwt"))),
        ["jwt-bearer of no federation source"] = (HttpStatusCode.BadRequest, "invalid_grant", "assertion_unknown_issuer", f => f.PostAsync(("grant_type", JwtBearer), ("assertion", f.Sign(f.Claims())))),
        ["oversized body"] = (HttpStatusCode.RequestEntityTooLarge, "invalid_request", "body_too_large", f => f.PostRawAsync(Pad(Form(f, f.Sign(f.Claims()))), FormType)),
        ["oversized chunked body"] = (HttpStatusCode.RequestEntityTooLarge, "invalid_request", "body_too_large", f => f.PostRawAsync(Pad(Form(f, f.Sign(f.Claims()))), FormType, chunked: true)),

        // The JWT itself (RFC 7515, RFC 7519).
        ["garbage base64"] = (HttpStatusCode.BadRequest, "invalid_request", "malformed_assertion", f => f.PostAssertionAsync("!!!.###.$$$")),
        ["truncated JWT"] = (HttpStatusCode.BadRequest, "invalid_request", "malformed_assertion", f => f.PostAssertionAsync(string.Join('.', f.Sign(f.Claims()).Split('.').Take(2)))),
        ["JWE (five parts)"] = (HttpStatusCode.BadRequest, "invalid_request", "malformed_assertion", f => f.PostAssertionAsync(f.Sign(f.Claims()) + ".a.b")),
        ["header not JSON"] = (HttpStatusCode.BadRequest, "invalid_request", "malformed_assertion", f => f.PostAssertionAsync(TestAssertion.Encode("{alg:HS256") + "." + f.Sign(f.Claims()).Split('.', 2)[1])),
        ["payload a JSON array"] = (HttpStatusCode.BadRequest, "invalid_request", "malformed_assertion", f => f.PostAssertionAsync(f.Sign(f.Claims()).Split('.')[0] + "." + TestAssertion.Encode("[1,2]") + ".c2ln")),
        ["duplicate claim"] = (HttpStatusCode.BadRequest, "invalid_request", "malformed_assertion", f => f.PostAssertionAsync(Raw(f, "{\"iss\":\"sensor-0001\",\"sub\":\"sensor-0001\",\"sub\":\"sensor-0002\",\"aud\":\"" + f.Gateway.TokenEndpoint + "\",\"jti\":\"d1\",\"iat\":" + Now() + ",\"exp\":" + (Now() + 60) + "}"))),
        ["missing iss"] = (HttpStatusCode.BadRequest, "invalid_request", "missing_claim", f => f.PostAssertionAsync(f.Sign(Without(f.Claims(), "iss")))),
        ["missing sub"] = (HttpStatusCode.BadRequest, "invalid_request", "missing_claim", f => f.PostAssertionAsync(f.Sign(Without(f.Claims(), "sub")))),
        ["missing aud"] = (HttpStatusCode.BadRequest, "invalid_request", "missing_claim", f => f.PostAssertionAsync(f.Sign(Without(f.Claims(), "aud")))),
        ["missing jti"] = (HttpStatusCode.BadRequest, "invalid_request", "missing_claim", f => f.PostAssertionAsync(f.Sign(Without(f.Claims(), "jti")))),
        ["missing iat"] = (HttpStatusCode.BadRequest, "invalid_request", "missing_claim", f => f.PostAssertionAsync(f.Sign(Without(f.Claims(), "iat")))),
        ["missing exp"] = (HttpStatusCode.BadRequest, "invalid_request", "missing_claim", f => f.PostAssertionAsync(f.Sign(Without(f.Claims(), "exp")))),
        ["exp a string"] = (HttpStatusCode.BadRequest, "invalid_request", "invalid_claim", f => f.PostAssertionAsync(f.Sign(With(f.Claims(), "exp", "soon")))),
        ["jti of 129 characters"] = (HttpStatusCode.BadRequest, "invalid_request", "invalid_claim", f => f.PostAssertionAsync(f.Sign(With(f.Claims(), "jti", new string('j', 129))))),

        // The algorithm (section 3.2: HS256 only).
        ["alg none"] = (HttpStatusCode.Unauthorized, "invalid_client", "unsupported_alg", f => f.PostAssertionAsync(TestAssertion.Encode("""{"alg":"none","typ":"JWT"}""") + "." + f.Sign(f.Claims()).Split('.')[1] + ".")),
        ["alg HS512"] = (HttpStatusCode.Unauthorized, "invalid_client", "unsupported_alg", f => f.PostAssertionAsync(f.Sign(f.Claims(), header: """{"alg":"HS512","typ":"JWT"}"""))),
        ["ES256 where HS256 expected"] = (HttpStatusCode.Unauthorized, "invalid_client", "unsupported_alg", f => f.PostAssertionAsync(SignEs256(f.Claims()))),
        ["crit header"] = (HttpStatusCode.Unauthorized, "invalid_client", "unsupported_alg", f => f.PostAssertionAsync(f.Sign(f.Claims(), header: """{"alg":"HS256","crit":["exp"],"exp":1}"""))),

        // Who signed, for whom, and when (section 3.2 rules 1 to 5).
        ["unknown device"] = (HttpStatusCode.Unauthorized, "invalid_client", "unknown_device", f => f.PostAssertionAsync(f.Sign(With(With(f.Claims(), "sub", "sensor-9999"), "iss", "sensor-9999")))),
        ["sub not a device id"] = (HttpStatusCode.Unauthorized, "invalid_client", "unknown_device", f => f.PostAssertionAsync(f.Sign(With(With(f.Claims(), "sub", "Sensor 1"), "iss", "Sensor 1")))),
        ["disabled device"] = (HttpStatusCode.Unauthorized, "invalid_client", "device_disabled", f => f.PostAssertionAsync(f.Sign(With(With(f.Claims(), "sub", "sensor-off"), "iss", "sensor-off"), f.Disabled))),
        ["iss differs from sub"] = (HttpStatusCode.Unauthorized, "invalid_client", "issuer_mismatch", f => f.PostAssertionAsync(f.Sign(With(f.Claims(), "iss", "sensor-0002")))),
        ["client_id differs from sub"] = (HttpStatusCode.Unauthorized, "invalid_client", "client_id_mismatch", f => f.PostAsync([.. TokenGateway.Form(f.Sign(f.Claims())), ("client_id", "sensor-0002")])),
        ["wrong aud"] = (HttpStatusCode.Unauthorized, "invalid_client", "wrong_audience", f => f.PostAssertionAsync(f.Sign(With(f.Claims(), "aud", "https://elsewhere.example/oauth2/token")))),
        ["expired"] = (HttpStatusCode.Unauthorized, "invalid_client", "expired", f => f.PostAssertionAsync(f.Sign(Times(f.Claims(), -400, 100)))),
        ["not yet valid"] = (HttpStatusCode.Unauthorized, "invalid_client", "not_yet_valid", f => f.PostAssertionAsync(f.Sign(Times(f.Claims(), 120, 300)))),
        ["nbf in the future"] = (HttpStatusCode.Unauthorized, "invalid_client", "not_yet_valid", f => f.PostAssertionAsync(f.Sign(With(f.Claims(), "nbf", Now() + 120)))),
        ["exp more than 5 minutes ahead"] = (HttpStatusCode.Unauthorized, "invalid_client", "bad_lifetime", f => f.PostAssertionAsync(f.Sign(Times(f.Claims(), 0, 301)))),
        ["exp before iat"] = (HttpStatusCode.Unauthorized, "invalid_client", "bad_lifetime", f => f.PostAssertionAsync(f.Sign(Times(f.Claims(), 0, -1)))),
        ["signed by another device"] = (HttpStatusCode.Unauthorized, "invalid_client", "bad_signature", f => f.PostAssertionAsync(f.Sign(f.Claims(), f.Other))),
        ["signed with S instead of K_auth"] = (HttpStatusCode.Unauthorized, "invalid_client", "bad_signature", f => f.PostAssertionAsync(TestAssertion.Sign(f.Device.Secret.ToArray(), f.Claims()))),
        ["payload altered after signing"] = (HttpStatusCode.Unauthorized, "invalid_client", "bad_signature", f => f.PostAssertionAsync(Alter(f.Sign(f.Claims()), f))),
        ["empty signature"] = (HttpStatusCode.Unauthorized, "invalid_client", "bad_signature", f => f.PostAssertionAsync(string.Join('.', f.Sign(f.Claims()).Split('.').Take(2)) + ".")),
        ["reused jti"] = (HttpStatusCode.Unauthorized, "invalid_client", "jti_reused", ReuseAsync),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task IsRefusedWithItsOAuthErrorAndDisturbsNothing(string name)
    {
        var (status, error, reason, send) = Cases[name];
        var auditedBefore = fixture.Gateway.Audit.Events.Count;
        var countedBefore = await CountedAsync(reason);

        using var response = await send(fixture);

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        using var json = JsonDocument.Parse(body);
        Assert.Equal(error, json.RootElement.GetProperty("error").GetString());
        Assert.False(json.RootElement.TryGetProperty("access_token", out _));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        // RFC 6749 section 5.2: a 401 to a client that authenticated with Basic names the scheme.
        Assert.Equal(status == HttpStatusCode.Unauthorized && name.EndsWith("(Basic)", StringComparison.Ordinal), response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Basic"));
        var audited = fixture.Gateway.Audit.Events.Skip(auditedBefore).Where(e => e.Action == "token.refused").ToList();
        // The exact check that failed is in the audit log (and the metrics), never in the answer.
        Assert.Equal(reason, Assert.Single(audited).Outcome);
        Assert.Equal(countedBefore + 1, await CountedAsync(reason));
        Assert.DoesNotContain(audited, e => e.Outcome.Contains("eyJ", StringComparison.Ordinal) || e.Actor.Contains("eyJ", StringComparison.Ordinal));

        // Nothing else disturbed: the device still gets a token.
        await fixture.Gateway.GetAccessTokenAsync(fixture.Client, fixture.Device, DateTimeOffset.UtcNow);
    }

    private async Task<double> CountedAsync(string reason) =>
        (await MetricsScrape.ReadAsync(fixture.Gateway.BaseAddress)).Value("m2m_token_requests_total", "result", reason);

    private static async Task<HttpResponseMessage> ReuseAsync(BadInputGateway f)
    {
        var assertion = f.Sign(f.Claims());
        using var first = await f.PostAssertionAsync(assertion);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        return await f.PostAssertionAsync(assertion);
    }

    private static byte[] Form(BadInputGateway f, string assertion) =>
        Encoding.ASCII.GetBytes(string.Join('&', TokenGateway.Form(assertion).Select(p => p.Item1 + "=" + Uri.EscapeDataString(p.Item2))));

    /// <summary>A valid form made larger than 8 KiB with an ignored parameter.</summary>
    private static byte[] Pad(byte[] form) => [.. form, .. "&padding="u8, .. Enumerable.Repeat((byte)'x', 9000)];

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>client_secret_basic's credentials (RFC 6749 section 2.3.1): each part form-urlencoded, then base64.</summary>
    private static string Basic(string clientId, string secret) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(secret)));

    private static Dictionary<string, object> Times(Dictionary<string, object> claims, long iatOffset, long expOffset) =>
        With(With(claims, "iat", Now() + iatOffset), "exp", Now() + iatOffset + expOffset);

    /// <summary>An assertion whose payload is given verbatim, correctly signed.</summary>
    private static string Raw(BadInputGateway f, string payloadJson)
    {
        var signingInput = TestAssertion.Encode("""{"alg":"HS256","typ":"JWT"}""") + "." + TestAssertion.Encode(payloadJson);
        return signingInput + "." + Base64Url.EncodeToString(HMACSHA256.HashData(DeviceKeyDerivation.DeriveAuthKey(f.Device.Secret.Span), Encoding.ASCII.GetBytes(signingInput)));
    }

    private static string Alter(string assertion, BadInputGateway f)
    {
        var parts = assertion.Split('.');
        var claims = f.Claims();
        claims["sub"] = claims["iss"] = "sensor-0002";
        return parts[0] + "." + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims)) + "." + parts[2];
    }

    private static string SignEs256(Dictionary<string, object> claims)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signingInput = TestAssertion.Encode("""{"alg":"ES256","typ":"JWT"}""") + "." + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims));
        return signingInput + "." + Base64Url.EncodeToString(key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }
}
