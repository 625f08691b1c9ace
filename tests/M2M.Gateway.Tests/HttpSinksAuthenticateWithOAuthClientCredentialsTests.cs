using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using M2M.Gateway.Hosting;
using M2M.Gateway.Metrics;
using M2M.Gateway.Relay;
using M2M.Gateway.Relay.Http;
using M2M.Gateway.Secrets;
using M2M.Gateway.Tests.Support;
using M2M.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace M2M.Gateway.Tests;

/// <summary>
/// The HTTP sinks' authentication (<see cref="SinkAuthenticationHandler"/>) against a token endpoint
/// stub that checks each request as RFC 6749 section 4.4 and RFC 7523 say, and a resource server
/// stub that takes only the token it issued last: the client credentials grant with
/// client_secret_basic, client_secret_post and private_key_jwt (the assertion's signature and
/// claims checked with the test's clock), the token kept until shortly before it expires and then
/// renewed, a 401 answered by exactly one renewal, a refused client named by its OAuth error code
/// and counted, and static bearer and basic credentials; every secret stored encrypted.
/// </summary>
public sealed class HttpSinksAuthenticateWithOAuthClientCredentialsTests : IAsyncLifetime, IDisposable
{
    private const string ClientId = "m2m-relay";
    private const string Secret = "s3cret with spaces&symbols";
    private readonly string _folder = Directory.CreateTempSubdirectory("m2m-sink-auth-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly GatewayMetrics _metrics = new();
    private readonly ECDsa _clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly AesGcmSecretProtector _protector;
    private readonly SinkCredentialFile _file;
    private readonly SinkCredentialStore _store;
    private WebApplication _server = null!;
    private string _method = HttpAuthSchemes.ClientSecretBasic;
    private int _issued;
    private string? _current;
    private bool _refuseEveryToken;

    public HttpSinksAuthenticateWithOAuthClientCredentialsTests()
    {
        var directory = new DataDirectory(_folder);
        _protector = new AesGcmSecretProtector(MasterKey.Load(directory, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), []));
        _file = new SinkCredentialFile(directory);
        _store = new SinkCredentialStore(_file, _protector, _clock);
    }

    private Uri TokenEndpoint => new(_server.Urls.First() + "/token");

    private Uri Resource => new(_server.Urls.First() + "/write");

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{LoopbackPort.Free()}");
        _server = builder.Build();
        _server.MapPost("/token", IssueAsync);
        _server.MapPost("/write", (HttpRequest request) =>
            !_refuseEveryToken && _current != null && request.Headers.Authorization.ToString() == "Bearer " + _current
                ? Results.NoContent()
                : Results.Unauthorized());
        _server.MapPost("/static", (HttpRequest request) => Results.Text(request.Headers.Authorization.ToString()));
        await _server.StartAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _clientKey.Dispose();
        _protector.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData(HttpAuthSchemes.ClientSecretBasic)]
    [InlineData(HttpAuthSchemes.ClientSecretPost)]
    [InlineData(HttpAuthSchemes.PrivateKeyJwt)]
    public async Task TheTokenIsRequestedAsTheClientAuthenticatesKeptAndRenewedBeforeItExpires(string method)
    {
        _method = method;
        await _store.SetAsync("idp", method == HttpAuthSchemes.PrivateKeyJwt ? _clientKey.ExportPkcs8PrivateKeyPem() : Secret, default);
        using var client = Client(OAuth(method));

        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(client));
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(client));
        Assert.Equal(1, _issued);

        // expires_in is 300 s and RefreshBefore 60 s: kept until 240 s, renewed from then on.
        _clock.Advance(TimeSpan.FromSeconds(239));
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(client));
        Assert.Equal(1, _issued);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(client));
        Assert.Equal(2, _issued);
        Assert.Empty(_problems);
    }

    [Fact]
    public async Task A401IsAnsweredByExactlyOneRenewal()
    {
        await _store.SetAsync("idp", Secret, default);
        using var client = Client(OAuth(HttpAuthSchemes.ClientSecretBasic));
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(client));

        // The token is revoked: the resource server refuses it; one renewal and the request passes.
        _current = "revoked";
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(client));
        Assert.Equal(2, _issued);

        // A resource server that refuses every token: one renewal, then the 401 goes to the sink.
        _refuseEveryToken = true;
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(client));
        Assert.Equal(3, _issued);
        Assert.Equal(1, MetricsScrape.Parse(await Scrape()).Value("m2m_relay_auth_failures_total{sink=\"webhook\",reason=\"refused_401\"}"));
        Assert.Empty(_problems);
    }

    [Fact]
    public async Task ARefusedClientIsNamedByItsOAuthErrorAndCounted()
    {
        await _store.SetAsync("idp", "not the secret", default);
        using var client = Client(OAuth(HttpAuthSchemes.ClientSecretBasic));

        var refused = await Assert.ThrowsAsync<SinkFailureException>(() => PostAsync(client));
        Assert.Equal("auth invalid_client", refused.Message);
        Assert.Equal("auth invalid_client", FailureKind.Of(refused));
        Assert.Equal(1, MetricsScrape.Parse(await Scrape()).Value("m2m_relay_auth_failures_total{sink=\"webhook\",reason=\"invalid_client\"}"));

        await _store.DeleteAsync("idp", default);
        Assert.Equal("auth credential_missing", (await Assert.ThrowsAsync<SinkFailureException>(() => PostAsync(client))).Message);

        // Set while running: used at the next attempt.
        await _store.SetAsync("idp", Secret, default);
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(client));
    }

    [Fact]
    public async Task StaticBearerAndBasicCredentialsComeFromTheEncryptedStore()
    {
        await _store.SetAsync("token", "tok-static", default);
        await _store.SetAsync("password", "pa:ss", default);
        using var bearer = Client(new HttpAuthOptions { Scheme = "bearer", Credential = "token" });
        using var basic = Client(new HttpAuthOptions { Scheme = "basic", Credential = "password", Username = "relay" });

        Assert.Equal("Bearer tok-static", await (await bearer.PostAsync(new Uri(_server.Urls.First() + "/static"), new ByteArrayContent([]))).Content.ReadAsStringAsync());
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("relay:pa:ss")), await (await basic.PostAsync(new Uri(_server.Urls.First() + "/static"), new ByteArrayContent([]))).Content.ReadAsStringAsync());

        var file = await File.ReadAllTextAsync(_file.Path);
        Assert.DoesNotContain("tok-static", file, StringComparison.Ordinal);
        Assert.DoesNotContain("pa:ss", file, StringComparison.Ordinal);
        Assert.Equal(["password", "token"], (await _store.ListAsync(default)).Select(c => c.Name));
    }

    [Fact]
    public void IncompleteSettingsAreRefusedWithTheKeyToFix()
    {
        Assert.Equal("configuration: Gateway:Relay:Webhook:Auth:TokenEndpoint is required with Auth:Scheme oauth2",
            Refusal(("Scheme", "oauth2"), ("Credential", "idp"), ("ClientId", ClientId)));
        Assert.Equal("configuration: Gateway:Relay:Webhook:Auth:TokenEndpoint must be an https URL (RFC 6749 section 3.2)",
            Refusal(("Scheme", "oauth2"), ("Credential", "idp"), ("ClientId", ClientId), ("TokenEndpoint", "http://idp.example/token")));
        var secretInConfig = Refusal(("Scheme", "bearer"), ("Credential", "eyJhbGciOi/a+secret="));
        Assert.Contains("never the secret itself", secretInConfig, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJhbGciOi", secretInConfig, StringComparison.Ordinal);
    }

    private static string Refusal(params (string Key, string Value)[] auth)
    {
        var settings = auth.ToDictionary(a => $"Webhook:Auth:{a.Key}", a => (string?)a.Value);
        settings["Webhook:Url"] = "https://ingest.example/m2m";
        var relay = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().BuildServiceProvider();
        var context = new SinkContext(services, ".", TimeProvider.System, NullLogger.Instance);
        var kind = new WebhookSinkKind();
        return Assert.Throws<SinkFailureException>(() => { kind.Create(relay.GetSection("Webhook"), context); }).Message;
    }

    private HttpAuthOptions OAuth(string method) => new()
    {
        Scheme = "oauth2",
        TokenEndpoint = TokenEndpoint,
        ClientId = ClientId,
        ClientAuthentication = method,
        Credential = "idp",
        Scope = "metrics:write",
        KeyId = "relay-key-1",
    };

    private HttpClient Client(HttpAuthOptions auth) => new HttpSinkClient(_store, _clock, _metrics).Create("webhook", auth, TimeSpan.FromSeconds(10));

    private async Task<HttpStatusCode> PostAsync(HttpClient client)
    {
        using var response = await client.PostAsync(Resource, new ByteArrayContent("{}"u8.ToArray()));
        return response.StatusCode;
    }

    private async Task<string> Scrape()
    {
        using var stream = new MemoryStream();
        await _metrics.Registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The token endpoint: checks the request for the configured client authentication; a failed check is an OAuth error and a recorded problem.</summary>
    private async Task<IResult> IssueAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        string? Problem()
        {
            if (form["grant_type"] != "client_credentials" || form["scope"] != "metrics:write")
            {
                return "grant_type or scope";
            }

            switch (_method)
            {
                case HttpAuthSchemes.ClientSecretBasic:
                    // RFC 6749 section 2.3.1: base64 of the form-urlencoded id, a colon, the form-urlencoded secret.
                    var header = request.Headers.Authorization.ToString();
                    var pair = header.StartsWith("Basic ", StringComparison.Ordinal) ? Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])).Split(':') : [];
                    return pair.Length == 2 && WebUtility.UrlDecode(pair[0]) == ClientId && WebUtility.UrlDecode(pair[1]) == Secret && !form.ContainsKey("client_secret")
                        ? null : "client_secret_basic";
                case HttpAuthSchemes.ClientSecretPost:
                    return form["client_id"] == ClientId && form["client_secret"] == Secret && !request.Headers.ContainsKey("Authorization") ? null : "client_secret_post";
                default:
                    return CheckAssertion(form["client_id"], form["client_assertion_type"], form["client_assertion"]);
            }
        }

        var problem = Problem();
        if (problem != null)
        {
            return Results.Json(new { error = "invalid_client" }, statusCode: 401);
        }

        _current = $"tok-{Interlocked.Increment(ref _issued)}";
        return Results.Json(new { access_token = _current, token_type = "Bearer", expires_in = 300 });
    }

    private string? CheckAssertion(string? clientId, string? type, string? assertion)
    {
        if (clientId != ClientId || type != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" || assertion == null)
        {
            return "assertion parameters";
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = ClientId,
            ValidAudience = TokenEndpoint.AbsoluteUri,
            IssuerSigningKey = new ECDsaSecurityKey(ECDsa.Create(_clientKey.ExportParameters(false))),
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            LifetimeValidator = (notBefore, expires, _, _) => notBefore == _clock.GetUtcNow().UtcDateTime && expires == notBefore + TimeSpan.FromSeconds(60),
        };
        var result = new JsonWebTokenHandler().ValidateTokenAsync(assertion, parameters).GetAwaiter().GetResult();
        if (!result.IsValid)
        {
            _problems.Enqueue("assertion invalid: " + result.Exception?.Message);
            return "assertion";
        }

        var token = (JsonWebToken)result.SecurityToken;
        return token.Subject == ClientId && token.Id.Length >= 16 && token.Kid == "relay-key-1"
            && token.GetPayloadValue<long>("iat") == _clock.GetUtcNow().ToUnixTimeSeconds() ? null : "assertion claims";
    }
}
