using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// In Cluster mode the audit log is one table of the shared PostgreSQL database
/// (docs/admin-api.md, "Audit log"): an action audited on node A and one on node B are one ordered
/// log, each line naming its node, read the same, with the same paging, through either node's
/// <c>GET /admin/v1/audit</c>.
/// </summary>
public sealed class ClusterNodesShareOneOrderedAuditLogTests : IAsyncLifetime
{
    private ClusterNodes _cluster = null!;
    private TokenGateway _a = null!;
    private TokenGateway _b = null!;
    private string _key = "";
    private readonly List<HttpClient> _clients = [];

    public async Task InitializeAsync()
    {
        _cluster = await ClusterNodes.StartAsync(realAuditLog: true);
        var nodes = await Task.WhenAll(_cluster.StartNodeAsync("node-a"), _cluster.StartNodeAsync("node-b"));
        (_a, _b) = (nodes[0], nodes[1]);
        _key = await _a.CreateKeyAsync(["admin"]);
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task ActionsOfBothNodesAreReadInOrderThroughEither()
    {
        using (var added = await Client(_a).PostAsJsonAsync(new Uri("/admin/v1/devices", UriKind.Relative), new { id = "sensor-0001", tenant = "acme", roles = Array.Empty<string>() }))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        using (var disabled = await Client(_b).PostAsync(new Uri("/admin/v1/devices/sensor-0001/disable", UriKind.Relative), null))
        {
            Assert.True(disabled.IsSuccessStatusCode, await disabled.Content.ReadAsStringAsync());
        }

        var throughA = await ReadPagesAsync(_a, limit: 1000, pages: 1);
        Assert.Equal(["device.add@node-a", "device.disable@node-b"], throughA.Select(Describe));

        // Node A's reading is a line too, after the two; node B reads the same log, a line a page
        // (its own readings follow, so the log grows as it pages: three pages are the three lines).
        var throughB = await ReadPagesAsync(_b, limit: 1, pages: 3);
        Assert.Equal(["device.add@node-a", "device.disable@node-b", "audit.read@node-a"], throughB.Select(Describe));
        Assert.Equal(throughA.Select(l => l.GetProperty("position").GetInt64()), throughB.Take(2).Select(l => l.GetProperty("position").GetInt64()));
        Assert.Equal("sensor-0001", throughB[1].GetProperty("event").GetProperty("deviceId").GetString());
    }

    private static string Describe(JsonElement line)
    {
        var audited = line.GetProperty("event");
        var node = audited.TryGetProperty("node", out var written) ? written.GetString() : "(no node)";
        return $"{audited.GetProperty("action").GetString()}@{node}";
    }

    // Up to the first <pages> pages from the start, following "next"; each page read is audited after it is read.
    private async Task<List<JsonElement>> ReadPagesAsync(TokenGateway node, int limit, int pages)
    {
        var client = Client(node);
        var lines = new List<JsonElement>();
        long? after = 0;
        while (after is { } from && pages-- > 0)
        {
            var page = await client.GetFromJsonAsync<JsonElement>(new Uri($"/admin/v1/audit?after={from}&limit={limit}", UriKind.Relative));
            lines.AddRange(page.GetProperty("lines").EnumerateArray().Select(l => l.Clone()));
            after = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetInt64();
        }

        return lines;
    }

    private HttpClient Client(TokenGateway node)
    {
        var client = node.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _key);
        _clients.Add(client);
        return client;
    }
}
