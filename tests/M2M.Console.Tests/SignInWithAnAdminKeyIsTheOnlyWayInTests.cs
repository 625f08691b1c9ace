using System.Net;
using M2M.Console.Tests.Support;
using Microsoft.Playwright;

namespace M2M.Console.Tests;

/// <summary>
/// The console lets nobody in without an admin key: every page sends an unauthenticated browser to
/// the sign-in page, a wrong key is refused with the admin API's problem (401, <c>unauthorized</c>)
/// and audited, the right key opens the fleet with a session cookie that is HttpOnly, Secure,
/// SameSite=Strict and does not hold the key, and signing out ends the session.
/// </summary>
public sealed class SignInWithAnAdminKeyIsTheOnlyWayInTests : ConsoleTest
{
    [Fact]
    public async Task AWrongKeyIsRefusedAndTheRightOneOpensTheFleet()
    {
        var page = await Browser.NewPageAsync(Gateway);

        // Any console page leads to the sign-in page first.
        await page.GotoAsync("/console/gateway");
        Assert.EndsWith("/console/sign-in?returnUrl=%2Fconsole%2Fgateway", page.Url, StringComparison.Ordinal);

        await page.GetByLabel("Admin API key").FillAsync("m2m_admin_" + new string('x', 43));
        var refused = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(),
            r => r.Url.Contains("/console/sign-in", StringComparison.Ordinal) && r.Request.Method == "POST");
        Assert.Equal((int)HttpStatusCode.Unauthorized, refused.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Admin API key required");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("unauthorized");
        Assert.Empty(await page.Context.CookiesAsync([page.Url]) is var jar ? jar.Where(c => c.Name == "m2m-console") : []);
        Assert.Contains(Gateway.AuditLines(), l => l.GetProperty("action").GetString() == "console.sign-in" && l.GetProperty("outcome").GetString() == "invalid_key");

        await page.GetByLabel("Admin API key").FillAsync(Gateway.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Gateway" })).ToBeVisibleAsync();

        var session = (await page.Context.CookiesAsync([page.Url])).Single(c => c.Name == "m2m-console");
        Assert.True(session.HttpOnly);
        Assert.True(session.Secure);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        Assert.Equal("/console", session.Path);
        Assert.DoesNotContain(Gateway.AdminKey["m2m_admin_".Length..], session.Value, StringComparison.Ordinal);

        // The page's script cannot read the session (HttpOnly), and local storage holds nothing.
        Assert.DoesNotContain("m2m-console=", await page.EvaluateAsync<string>("document.cookie"), StringComparison.Ordinal);
        Assert.Equal(0, await page.EvaluateAsync<int>("localStorage.length + sessionStorage.length"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Admin API key")).ToBeVisibleAsync();
        await page.GotoAsync("/console");
        Assert.Contains("/console/sign-in", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFormPostedWithoutTheAntiforgeryTokenIsRefused()
    {
        var page = await Browser.NewPageAsync(Gateway);
        await ConsoleBrowser.SignInAsync(page, Gateway.AdminKey);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Fleet" })).ToBeVisibleAsync();

        // The session cookie alone does not make a POST valid: the page's own token is required.
        var response = await page.APIRequest.PostAsync("/console/sign-out", new() { Form = page.Context.APIRequest.CreateFormData() });
        Assert.Equal((int)HttpStatusCode.BadRequest, response.Status);
        await page.GotoAsync("/console");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Fleet" })).ToBeVisibleAsync();
    }
}
