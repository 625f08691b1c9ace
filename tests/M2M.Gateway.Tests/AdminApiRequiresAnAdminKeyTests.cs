using System.Net;
using System.Net.Http.Headers;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>Every admin endpoint answers 401 with WWW-Authenticate: Bearer without the admin key or with a wrong one.</summary>
public sealed class AdminApiRequiresAnAdminKeyTests(AdminGatewayFixture fixture) : IClassFixture<AdminGatewayFixture>
{
    public static TheoryData<string, string> Endpoints => new()
    {
        { "POST", "/admin/v1/devices" },
        { "GET", "/admin/v1/devices" },
        { "GET", "/admin/v1/devices/sensor-0001" },
        { "POST", "/admin/v1/devices/sensor-0001/disable" },
        { "POST", "/admin/v1/devices/sensor-0001/enable" },
        { "POST", "/admin/v1/devices/sensor-0001/rotate" },
        { "DELETE", "/admin/v1/devices/sensor-0001" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task WithoutAKeyEveryEndpointIs401(string method, string path)
    {
        using var client = new HttpClient { BaseAddress = fixture.Gateway.Process.BaseAddress };
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));

        using var response = await client.SendAsync(request);

        Assert.Equal("Bearer realm=\"m2m-admin\"", response.Headers.WwwAuthenticate.ToString());
        await AdminApiManagesDevicesTests.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData("Bearer", "m2m_admin_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Bearer", "not-a-key")]
    [InlineData("Basic", null)]
    public async Task AWrongKeyIs401AndAudited(string scheme, string? key)
    {
        using var client = new HttpClient { BaseAddress = fixture.Gateway.Process.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, key ?? fixture.Gateway.AdminKey);

        using var response = await client.GetAsync(new Uri("/admin/v1/devices", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        if (scheme == "Bearer")
        {
            Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            var line = fixture.Gateway.AuditLines()[^1];
            Assert.Equal("admin.authenticate", line.GetProperty("action").GetString());
            Assert.Equal("invalid_key", line.GetProperty("outcome").GetString());
            Assert.DoesNotContain(key!, File.ReadAllText(Path.Combine(fixture.Gateway.DataDirectory, "audit.jsonl")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheRightKeyIsAcceptedWhateverTheSchemeCase()
    {
        using var client = new HttpClient { BaseAddress = fixture.Gateway.Process.BaseAddress };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "bearer " + fixture.Gateway.AdminKey);

        using var response = await client.GetAsync(new Uri("/admin/v1/devices", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
