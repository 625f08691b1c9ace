using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using M2M.Gateway.Relay;
using M2M.Gateway.Relay.Http;
using M2M.Gateway.Tests.Support;
using M2M.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace M2M.Gateway.Tests;

/// <summary>
/// Sink credentials are one set for the whole cluster (docs/sinks.md, "HTTP authentication"): a
/// credential set through node A's admin API is listed by node B, revealed by node B's store and
/// sent by an HTTP sink built on node B (the relay of a sink runs on whichever node holds its
/// lease); replaced on A, B's sink sends the new value at its next request; deleted on A, B finds
/// it missing. The value is stored encrypted in PostgreSQL, never in either node's data folder.
/// While PostgreSQL is down the sink fails with the named reason credential_store_unavailable (it
/// is retried with backoff, nothing lost), and sends the value again once PostgreSQL is back.
/// </summary>
public sealed class ASinkCredentialSetOnOneClusterNodeIsUsedByEveryOtherTests : IAsyncLifetime
{
    private const string Name = "webhook-token";
    private ClusterNodes _cluster = null!;
    private TokenGateway _a = null!;
    private TokenGateway _b = null!;
    private WebApplication _backend = null!;
    private HttpClient _adminA = null!;
    private HttpClient _adminB = null!;

    public async Task InitializeAsync()
    {
        _cluster = await ClusterNodes.StartAsync();
        var nodes = await Task.WhenAll(_cluster.StartNodeAsync("node-a"), _cluster.StartNodeAsync("node-b"));
        (_a, _b) = (nodes[0], nodes[1]);
        _adminA = Admin(_a, await _a.CreateKeyAsync(["admin"]));
        _adminB = Admin(_b, await _b.CreateKeyAsync(["admin"]));

        // The sink's backend answers with the Authorization header it was sent.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{LoopbackPort.Free()}");
        _backend = builder.Build();
        _backend.MapPost("/write", (HttpRequest request) => Results.Text(request.Headers.Authorization.ToString()));
        await _backend.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _adminA.Dispose();
        _adminB.Dispose();
        await _backend.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task SetOnOneNodeItIsListedRevealedAndSentByTheOtherAndDeletedEverywhere()
    {
        using var sinkOnB = _b.Service<HttpSinkClient>().Create("webhook", new HttpAuthOptions { Scheme = "bearer", Credential = Name }, TimeSpan.FromSeconds(10));
        Assert.Equal("auth credential_missing", (await Assert.ThrowsAsync<SinkFailureException>(() => SendAsync(sinkOnB))).Message);

        await SetAsync(_adminA, "first-token");

        var listed = await _adminB.GetFromJsonAsync<JsonElement>(new Uri("/admin/v1/sinks/credentials", UriKind.Relative));
        Assert.Equal(Name, Assert.Single(listed.EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal((CredentialLookup.Found, "first-token"), await _b.Service<SinkCredentialStore>().RevealAsync(Name, default));
        Assert.Equal("Bearer first-token", await SendAsync(sinkOnB));

        // Replaced through A while B's sink runs: B's next request carries the new value.
        await SetAsync(_adminA, "second-token");
        Assert.Equal("Bearer second-token", await SendAsync(sinkOnB));

        // Nothing in either node's data folder holds a credential: it is in the shared database only.
        Assert.False(File.Exists(Path.Combine(_a.DataDirectory, SinkCredentialStore.FileName)));
        Assert.False(File.Exists(Path.Combine(_b.DataDirectory, SinkCredentialStore.FileName)));

        using (var deleted = await _adminA.DeleteAsync(new Uri($"/admin/v1/sinks/credentials/{Name}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Equal((CredentialLookup.Missing, null), await _b.Service<SinkCredentialStore>().RevealAsync(Name, default));
        using (var again = await _adminB.DeleteAsync(new Uri($"/admin/v1/sinks/credentials/{Name}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }

        Assert.Equal(["ok", "ok", "ok"], _a.Audit.Events.Where(e => e.Action.StartsWith("sink.credential.", StringComparison.Ordinal) && e.Target == Name).Select(e => e.Outcome));
    }

    [Fact]
    public async Task WhilePostgresIsDownTheSinkFailsNamingTheStoreAndRecoversAfter()
    {
        await SetAsync(_adminA, "the-token");
        using var sinkOnB = _b.Service<HttpSinkClient>().Create("webhook", new HttpAuthOptions { Scheme = "bearer", Credential = Name }, TimeSpan.FromSeconds(10));
        Assert.Equal("Bearer the-token", await SendAsync(sinkOnB));

        await _cluster.Postgres.StopAsync();
        Assert.Equal("auth credential_store_unavailable", (await Assert.ThrowsAsync<SinkFailureException>(() => SendAsync(sinkOnB))).Message);
        Assert.Equal((CredentialLookup.Unavailable, null), await _b.Service<SinkCredentialStore>().RevealAsync(Name, default));

        await _cluster.Postgres.StartAgainAsync();
        // The pool's first use of a connection that died with the server may fail once more.
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return await SendAsync(sinkOnB) == "Bearer the-token";
            }
            catch (SinkFailureException)
            {
                return false;
            }
        }, "node B's sink to send the credential again once PostgreSQL is back");
    }

    private static async Task SetAsync(HttpClient admin, string value)
    {
        using var response = await admin.PutAsJsonAsync(new Uri($"/admin/v1/sinks/credentials/{Name}", UriKind.Relative), new { value });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<string> SendAsync(HttpClient sink)
    {
        using var response = await sink.PostAsync(new Uri(_backend.Urls.First() + "/write"), new ByteArrayContent("{}"u8.ToArray()));
        return await response.Content.ReadAsStringAsync();
    }

    private static HttpClient Admin(TokenGateway node, string key)
    {
        var client = node.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
