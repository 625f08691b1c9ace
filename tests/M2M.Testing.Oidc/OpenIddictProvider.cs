using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace M2M.Testing.Oidc;

/// <summary>
/// A client registered at the provider: confidential, client credentials grant, authenticated with
/// <paramref name="Secret"/> (client_secret_basic or client_secret_post, RFC 6749 section 2.3.1).
/// <paramref name="Claims"/> are put into its access tokens (strings, or string arrays), as a Keycloak
/// hardcoded-claim mapper or an authentik property mapping does; <paramref name="Audiences"/> are
/// their <c>aud</c>.
/// </summary>
public sealed record OidcClient(string ClientId, string Secret, IReadOnlyDictionary<string, object>? Claims = null, IReadOnlyList<string>? Audiences = null);

/// <summary>
/// An OpenID Connect provider that this project did not write: OpenIddict's server (7.x) on a free
/// loopback port, issuing JWT access tokens (RS256, its own ephemeral key, published in its own
/// JWKS and discovery document) by the client credentials grant to the clients the test registers.
/// OpenIddict authenticates the clients (their secrets hashed in its EF Core store) and signs the
/// tokens; the only code here is what a deployment writes too: which claims a client's token carries.
/// </summary>
public sealed class OpenIddictProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, OidcClient> _clients;

    private OpenIddictProvider(WebApplication app, string issuer, ConcurrentDictionary<string, OidcClient> clients)
    {
        _app = app;
        Issuer = issuer;
        _clients = clients;
    }

    /// <summary>The issuer identifier as OpenIddict writes it in <c>iss</c> (ends with a slash).</summary>
    public string Issuer { get; }

    /// <summary>The token endpoint (OpenIddict's discovery document names it too).</summary>
    public string TokenEndpoint => Issuer + "connect/token";

    /// <summary>Starts the provider; <paramref name="tokenLifetime"/> is its access tokens' lifetime (default 5 minutes).</summary>
    public static async Task<OpenIddictProvider> StartAsync(TimeSpan? tokenLifetime = null)
    {
        var issuer = $"http://127.0.0.1:{LoopbackPort.Free()}/";
        var builder = WebApplication.CreateSlimBuilder(["--urls", issuer.TrimEnd('/')]);
        builder.Logging.ClearProviders();
        var database = "openiddict-" + Guid.NewGuid().ToString("N");
        builder.Services.AddDbContext<DbContext>(options =>
        {
            options.UseInMemoryDatabase(database);
            options.UseOpenIddict();
        });
        builder.Services.AddOpenIddict()
            .AddCore(options => options.UseEntityFrameworkCore().UseDbContext<DbContext>())
            .AddServer(options =>
            {
                options.SetIssuer(new Uri(issuer));
                options.SetTokenEndpointUris("connect/token");
                options.AllowClientCredentialsFlow();
                options.SetAccessTokenLifetime(tokenLifetime ?? TimeSpan.FromMinutes(5));
                options.AddEphemeralEncryptionKey().AddEphemeralSigningKey();

                // Resource servers such as the gateway read plain signed JWTs (RFC 9068), not JWEs.
                options.DisableAccessTokenEncryption();
                options.UseAspNetCore().EnableTokenEndpointPassthrough().DisableTransportSecurityRequirement();
            });

        var app = builder.Build();
        var clients = new ConcurrentDictionary<string, OidcClient>(StringComparer.Ordinal);
        app.MapPost("/connect/token", (HttpContext context) => Issue(context, clients));
        await app.StartAsync().ConfigureAwait(false);
        return new OpenIddictProvider(app, issuer, clients);
    }

    /// <summary>Registers a client in OpenIddict's application store (its secret hashed there).</summary>
    public async Task AddClientAsync(OidcClient client)
    {
        _clients[client.ClientId] = client;
        await using var scope = _app.Services.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        await manager.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = client.Secret,
            ClientType = ClientTypes.Confidential,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// The token endpoint's passthrough (OpenIddict has validated the request and authenticated the
    /// client by now): the subject is the client id; the client's claims and audiences are added.
    /// </summary>
    private static IResult Issue(HttpContext context, ConcurrentDictionary<string, OidcClient> clients)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenIddict request.");
        if (!request.IsClientCredentialsGrantType() || request.ClientId is not { } clientId || !clients.TryGetValue(clientId, out var client))
        {
            return Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, clientId);
        foreach (var (name, value) in client.Claims ?? new Dictionary<string, object>())
        {
            if (value is IEnumerable<string> many && value is not string)
            {
                identity.SetClaims(name, [.. many]);
            }
            else
            {
                identity.SetClaim(name, value.ToString());
            }
        }

        identity.SetAudiences([.. client.Audiences ?? ["m2m-gateway"]]);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>Requests a token with client_secret_basic, as a device or service does; returns the access token.</summary>
    public async Task<string> RequestTokenAsync(string clientId, string secret)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, TokenEndpoint)
        {
            Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(secret))));
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"OpenIddict refused the token request: {(int)response.StatusCode} {body}");
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
