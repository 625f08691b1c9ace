using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using M2M.Gateway.Tests.Support;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/admin-api.md, "Errors", and docs/scaling.md, "What a failure costs": while the cluster's
/// PostgreSQL cannot be reached, a node answers the admin API's reads and writes 503 with
/// Retry-After and the problem code store_unavailable (a temporary condition the client retries,
/// RFC 9110 section 15.6.4), never the 500 of a defect; once the database is back, the same
/// requests succeed. Seen failing without the handler: 500 with no code.
/// </summary>
public sealed class AClusterNodeAnswers503WhileItsDatabaseIsDownTests : IAsyncLifetime
{
    private ClusterNodes _cluster = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _cluster = await ClusterNodes.StartAsync();
        var node = await _cluster.StartNodeAsync("node-a");
        _admin = node.Client();
        _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await node.CreateKeyAsync(["admin"]));
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task ReadsAndWritesAre503StoreUnavailableUntilTheDatabaseIsBack()
    {
        Assert.Equal(HttpStatusCode.OK, await StatusOfListAsync());

        await _cluster.Postgres.StopAsync();
        using (var list = await _admin.GetAsync(new Uri("/admin/v1/devices", UriKind.Relative)))
        {
            await AssertStoreUnavailableAsync(list);
        }

        using (var add = await _admin.PostAsJsonAsync(new Uri("/admin/v1/devices", UriKind.Relative), new { deviceId = "sensor-9", tenant = "acme" }))
        {
            await AssertStoreUnavailableAsync(add);
        }

        await _cluster.Postgres.StartAgainAsync();
        // The pool's first use of a connection that died with the server may fail once more.
        await Eventually.TrueAsync(async () => await StatusOfListAsync() == HttpStatusCode.OK, "the device list once PostgreSQL is back");
    }

    private async Task<HttpStatusCode> StatusOfListAsync()
    {
        using var response = await _admin.GetAsync(new Uri("/admin/v1/devices", UriKind.Relative));
        return response.StatusCode;
    }

    private static async Task AssertStoreUnavailableAsync(HttpResponseMessage response)
    {
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "application/problem+json", "store_unavailable"),
            (response.StatusCode, response.Content.Headers.ContentType?.MediaType, problem.TryGetProperty("code", out var code) ? code.GetString() : null));
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
    }
}
