using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
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
/// A web application registered at the provider for the authorization code flow with PKCE (RFC 6749
/// section 4.1, RFC 7636): confidential (<paramref name="Secret"/>), redirected back to
/// <paramref name="RedirectUri"/>.
/// </summary>
public sealed record OidcWebClient(string ClientId, string Secret, Uri RedirectUri);

/// <summary>
/// A person who signs in at the provider's login page with <paramref name="UserName"/> and
/// <paramref name="Password"/>; <paramref name="Claims"/> go into the ID and access tokens (strings, or
/// string arrays), as a Keycloak mapper or an authentik property mapping puts group or role claims there.
/// </summary>
public sealed record OidcUser(string UserName, string Password, IReadOnlyDictionary<string, object>? Claims = null);

/// <summary>
/// An OpenID Connect provider that this project did not write: OpenIddict's server (7.x) on a free
/// loopback port, issuing JWT access tokens (RS256, its own ephemeral key, published in its own
/// JWKS and discovery document) by the client credentials grant to the clients the test registers,
/// and ID tokens by the authorization code flow with PKCE to the people the test adds, who sign in
/// at its login page (consent implicit, as an organisation's own provider grants it).
/// OpenIddict authenticates the clients (their secrets hashed in its EF Core store) and signs the
/// tokens; the only code here is what a deployment writes too: which claims a client's token carries.
/// </summary>
public sealed class OpenIddictProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private const string LoginScheme = "provider-login";
    private readonly ConcurrentDictionary<string, OidcClient> _clients;
    private readonly ConcurrentDictionary<string, OidcUser> _users;

    private OpenIddictProvider(WebApplication app, string issuer, ConcurrentDictionary<string, OidcClient> clients, ConcurrentDictionary<string, OidcUser> users)
    {
        _app = app;
        Issuer = issuer;
        _clients = clients;
        _users = users;
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

                // People sign in with the authorization code flow, PKCE required (RFC 7636).
                options.SetAuthorizationEndpointUris("connect/authorize");
                options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                options.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Roles);
                options.SetAccessTokenLifetime(tokenLifetime ?? TimeSpan.FromMinutes(5));
                options.AddEphemeralEncryptionKey().AddEphemeralSigningKey();

                // Resource servers such as the gateway read plain signed JWTs (RFC 9068), not JWEs.
                options.DisableAccessTokenEncryption();
                options.UseAspNetCore().EnableTokenEndpointPassthrough().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();
            });

        // The provider's own session for the people who signed in at its login page.
        builder.Services.AddAuthentication(LoginScheme).AddCookie(LoginScheme, options =>
        {
            options.Cookie.Name = "provider-session";
            options.LoginPath = "/login";
        });

        var app = builder.Build();
        var clients = new ConcurrentDictionary<string, OidcClient>(StringComparer.Ordinal);
        var users = new ConcurrentDictionary<string, OidcUser>(StringComparer.Ordinal);
        app.MapPost("/connect/token", (Func<HttpContext, Task<IResult>>)(context => IssueAsync(context, clients)));
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], (Func<HttpContext, Task<IResult>>)(context => AuthorizeAsync(context, users)));
        app.MapGet("/login", (string? returnUrl) => LoginPage(returnUrl, null));
        app.MapPost("/login", (Func<HttpContext, Task<IResult>>)(context => LoginAsync(context, users)));
        await app.StartAsync().ConfigureAwait(false);
        return new OpenIddictProvider(app, issuer, clients, users);
    }

    /// <summary>Adds a person who can sign in at the login page.</summary>
    public void AddUser(OidcUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        _users[user.UserName] = user;
    }

    /// <summary>Registers a web application for the authorization code flow with PKCE (its secret hashed in OpenIddict's store).</summary>
    public async Task AddWebClientAsync(OidcWebClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var application = Confidential(client.ClientId, client.Secret);
        application.ConsentType = ConsentTypes.Implicit;
        application.RedirectUris.Add(client.RedirectUri);
        application.Permissions.UnionWith([
            Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.GrantTypes.AuthorizationCode,
            Permissions.ResponseTypes.Code, Permissions.Scopes.Profile, Permissions.Scopes.Roles]);
        application.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        await CreateAsync(application).ConfigureAwait(false);
    }

    private static OpenIddictApplicationDescriptor Confidential(string clientId, string secret) =>
        new() { ClientId = clientId, ClientSecret = secret, ClientType = ClientTypes.Confidential };

    private async Task CreateAsync(OpenIddictApplicationDescriptor application)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(application).ConfigureAwait(false);
    }

    /// <summary>
    /// The authorization endpoint's passthrough (OpenIddict has validated the client, redirect URI and
    /// PKCE challenge): a person not signed in at the provider is sent to the login page first; then
    /// the code is issued for them, their claims destined to the ID and access tokens.
    /// </summary>
    private static async Task<IResult> AuthorizeAsync(HttpContext context, ConcurrentDictionary<string, OidcUser> users)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenIddict request.");
        var session = await context.AuthenticateAsync(LoginScheme).ConfigureAwait(false);
        if (session.Principal?.Identity?.Name is not { } name || !users.TryGetValue(name, out var user))
        {
            return Results.Challenge(new AuthenticationProperties { RedirectUri = context.Request.PathBase + context.Request.Path + context.Request.QueryString }, [LoginScheme]);
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.UserName).SetClaim(Claims.Name, user.UserName);
        AddClaims(identity, user.Claims);
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(_ => [Destinations.AccessToken, Destinations.IdentityToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult LoginPage(string? returnUrl, string? error)
    {
        var alert = error == null ? string.Empty : "<p role=\"alert\">" + WebUtility.HtmlEncode(error) + "</p>";
        return Results.Content(
            $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Test provider: sign in</title></head>
            <body><h1>Test provider</h1>{alert}
            <form method="post" action="/login">
            <input type="hidden" name="returnUrl" value="{WebUtility.HtmlEncode(returnUrl ?? "/")}">
            <label for="username">User name</label> <input id="username" name="username" autocomplete="username">
            <label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password">
            <button type="submit">Sign in and allow</button>
            </form></body></html>
            """,
            "text/html; charset=utf-8",
            statusCode: error == null ? StatusCodes.Status200OK : StatusCodes.Status401Unauthorized);
    }

    private static async Task<IResult> LoginAsync(HttpContext context, ConcurrentDictionary<string, OidcUser> users)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var returnUrl = form["returnUrl"].ToString();
        if (!users.TryGetValue(form["username"].ToString(), out var user) || user.Password != form["password"].ToString())
        {
            return LoginPage(returnUrl, "Wrong user name or password.");
        }

        await context.SignInAsync(LoginScheme, new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user.UserName)], LoginScheme))).ConfigureAwait(false);

        // Back to the authorization request only: never an open redirect.
        return Results.LocalRedirect(returnUrl.StartsWith("/connect/authorize", StringComparison.Ordinal) ? returnUrl : "/");
    }

    private static void AddClaims(ClaimsIdentity identity, IReadOnlyDictionary<string, object>? claims)
    {
        foreach (var (name, value) in claims ?? new Dictionary<string, object>())
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
    }

    /// <summary>Registers a client in OpenIddict's application store (its secret hashed there).</summary>
    public async Task AddClientAsync(OidcClient client)
    {
        _clients[client.ClientId] = client;
        var application = Confidential(client.ClientId, client.Secret);
        application.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials]);
        await CreateAsync(application).ConfigureAwait(false);
    }

    /// <summary>
    /// The token endpoint's passthrough (OpenIddict has validated the request and authenticated the
    /// client by now). A code (with its PKCE verifier checked) is redeemed for the person it was issued
    /// to; for the client credentials grant the subject is the client id, with the client's claims and
    /// audiences.
    /// </summary>
    private static async Task<IResult> IssueAsync(HttpContext context, ConcurrentDictionary<string, OidcClient> clients)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenIddict request.");
        if (request.IsAuthorizationCodeGrantType())
        {
            var code = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme).ConfigureAwait(false);
            return code.Principal is { } person
                ? Results.SignIn(person, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)
                : Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        if (!request.IsClientCredentialsGrantType() || request.ClientId is not { } clientId || !clients.TryGetValue(clientId, out var client))
        {
            return Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, clientId);
        AddClaims(identity, client.Claims);
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
