using System.Net;
using M2M.Console.Tests.Support;
using M2M.Testing;
using M2M.Testing.Oidc;
using Microsoft.Playwright;

namespace M2M.Console.Tests;

/// <summary>
/// The console's single sign-on against a real OpenID Connect provider (OpenIddict, on loopback):
/// the authorization code flow with PKCE, the person's roles and tenant mapped from the ID token's
/// claims. A person of tenant acme with the provider group <c>m2m-operators</c> signs in at the
/// provider's login page, lands on the fleet with acme's devices only, acts (audited with the
/// actor <c>oidc:alice</c>), and the browser holds no token: only the session and antiforgery
/// cookies, both HttpOnly, nothing in its storage. A person the mapping gives no console role is
/// refused with the admin API's <c>missing_role</c>.
/// </summary>
public sealed class APersonSignsInThroughAnOpenIdConnectProviderTests : IAsyncLifetime
{
    private static readonly string[] OperatorGroups = ["m2m-operators", "staff"];
    private static readonly string[] StaffGroups = ["staff"];
    private OpenIddictProvider _provider = null!;
    private ConsoleGateway _gateway = null!;
    private ConsoleBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _provider = await OpenIddictProvider.StartAsync();
        _gateway = await ConsoleGateway.StartAsync(
            "--Gateway:Console:Oidc:Authority", _provider.Issuer,
            "--Gateway:Console:Oidc:ClientId", "m2m-console",
            "--Gateway:Console:Oidc:ClientSecret", "console-secret-for-tests",
            "--Gateway:Console:Oidc:DisplayName", "the test provider",
            "--Gateway:Console:Oidc:RolesClaim", "groups",
            "--Gateway:Console:Oidc:RoleMap:m2m-operators", "operator",
            "--Gateway:Console:Oidc:TenantClaim", "tenant",
            "--Gateway:Console:Oidc:RequireHttpsMetadata", "false");
        await _provider.AddWebClientAsync(new OidcWebClient("m2m-console", "console-secret-for-tests", new Uri(_gateway.HttpsAddress, "/console/signin-oidc")));
        _provider.AddUser(new OidcUser("alice", "alice-password", new Dictionary<string, object> { ["groups"] = OperatorGroups, ["tenant"] = "acme" }));
        _provider.AddUser(new OidcUser("bob", "bob-password", new Dictionary<string, object> { ["groups"] = StaffGroups, ["tenant"] = "acme" }));
        _browser = await ConsoleBrowser.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _gateway.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task AnOperatorOfTheProviderSeesAndActsInItsTenantWithNoTokenInTheBrowser()
    {
        await _gateway.AddDeviceAsync("acme-0001", "acme");
        await _gateway.AddDeviceAsync("globex-0001", "globex");
        var page = await _browser.NewPageAsync(_gateway);
        await SignInAtTheProviderAsync(page, "alice", "alice-password");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Fleet" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".who")).ToContainTextAsync("oidc:alice (operator in acme; may act)");
        await Assertions.Expect(page.Locator("tr[data-device='acme-0001']")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("tr[data-device='globex-0001']").CountAsync());

        await page.GotoAsync("/console/devices/acme-0001?confirm=disable");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, disable" }).ClickAsync();
        await Assertions.Expect(page.Locator("#device-status")).ToHaveTextAsync("disabled");
        await Eventually.TrueAsync(
            () => _gateway.AuditLines().Any(l => l.GetProperty("action").GetString() == "device.disable" && l.GetProperty("actor").GetString() == "oidc:alice"),
            "the disable audited with the person as actor");
        Assert.Contains(_gateway.AuditLines(), l => l.GetProperty("action").GetString() == "console.sign-in" && l.GetProperty("actor").GetString() == "oidc:alice"
            && l.GetProperty("outcome").GetString() == "ok");

        // No token in the browser: the console's cookies are the session and the antiforgery token,
        // HttpOnly (no script reads them), and nothing is kept in its storage. (Cookies do not tell
        // ports apart: the provider's own session cookie, on the same loopback host here, is left out.)
        var cookies = (await page.Context.CookiesAsync([new Uri(_gateway.HttpsAddress, "/console/").ToString()])).Where(c => c.Name != "provider-session").ToList();
        Assert.Equal(["m2m-console", "m2m-console-csrf"], cookies.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.All(cookies, c => Assert.True(c.HttpOnly && c.Secure && c.SameSite == SameSiteAttribute.Strict, c.Name));
        Assert.Equal(0, await page.EvaluateAsync<int>("localStorage.length + sessionStorage.length"));
        Assert.Equal(string.Empty, await page.EvaluateAsync<string>("document.cookie"));
    }

    [Fact]
    public async Task APersonWithoutAConsoleRoleIsRefused()
    {
        var page = await _browser.NewPageAsync(_gateway);
        await SignInAtTheProviderAsync(page, "bob", "bob-password");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("missing_role");
        var fleet = await page.GotoAsync("/console");
        Assert.EndsWith("/console/sign-in?returnUrl=%2Fconsole", fleet!.Url, StringComparison.Ordinal);
        Assert.Contains(_gateway.AuditLines(), l => l.GetProperty("action").GetString() == "console.sign-in" && l.GetProperty("outcome").GetString() == "missing_role");
        Assert.Equal((int)HttpStatusCode.OK, fleet.Status);
    }

    private static async Task SignInAtTheProviderAsync(IPage page, string user, string password)
    {
        await page.GotoAsync("/console");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with the test provider" }).ClickAsync();
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in and allow" }).ClickAsync();
    }
}
