using System.Net;
using M2M.Gateway.Registry;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/protocol.md section 3.2 rule 5 under the jti store's group commit (docs/tokens.md,
/// "Single-use assertions"): requests that arrive together share one commit, yet of concurrent
/// requests carrying the same assertion exactly one gets a token; and an answer leaves only once its
/// jti is durable, so the assertion of a token answered just before the gateway is killed (SIGKILL)
/// is refused after the restart.
/// </summary>
public sealed class EachAssertionIsSpentOnceAndDurablyBeforeItsAnswerTests
{
    private const int InFlight = 24;
    private const string Issuer = "https://gateway.example";
    // More requests at once than the default per-client limit allows in a window.
    private static readonly string[] Limits = ["--Gateway:Tokens:RequestsPerClient", "1000", "--Gateway:Tokens:RequestsPerAddress", "1000"];
    private static readonly string[] Arguments = ["--Gateway:Issuer", Issuer, .. Limits];

    [Fact]
    public async Task OfConcurrentRequestsWithOneAssertionExactlyOneGetsAToken()
    {
        await using var gateway = await TokenGateway.StartAsync(null, null, null, Limits);
        var device = (await gateway.Registry.AddAsync("sensor-0001", "acme", [], default))!;
        using var client = gateway.Client();

        // Requests with other assertions ride in the same groups: each of those is its own first use.
        var shared = TestAssertion.Create(device, gateway.TokenEndpoint, DateTimeOffset.UtcNow);
        var sharedRequests = Enumerable.Range(0, InFlight).Select(_ => StatusAsync(client, shared));
        var ownRequests = Enumerable.Range(0, InFlight).Select(_ => StatusAsync(client, TestAssertion.Create(device, gateway.TokenEndpoint, DateTimeOffset.UtcNow)));
        var statuses = await Task.WhenAll(sharedRequests.Concat(ownRequests));

        Assert.Single(statuses.Take(InFlight), s => s == HttpStatusCode.OK);
        Assert.All(statuses.Take(InFlight).Where(s => s != HttpStatusCode.OK), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(InFlight - 1, gateway.Audit.Events.Count(e => e.Outcome == "jti_reused"));
        Assert.All(statuses.Skip(InFlight), s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task AssertionsAnsweredJustBeforeAKillAreRefusedAfterTheRestart()
    {
        var folder = Directory.CreateTempSubdirectory("m2m-jti-kill-").FullName;
        try
        {
            string[] spent;
            await using (var gateway = await AdminGateway.StartAsync(folder, Arguments))
            {
                var key = DeviceKeyDerivation.DeriveAuthKey(await gateway.AddDeviceAsync("sensor-0001"));
                using var client = new HttpClient { BaseAddress = gateway.Process.BaseAddress };
                spent = [.. Enumerable.Range(0, InFlight).Select(_ => TestAssertion.Sign(key, TestAssertion.Claims("sensor-0001", Issuer + "/oauth2/token", DateTimeOffset.UtcNow)))];

                // Every token is answered, then the process is killed at once: no shutdown code runs.
                Assert.All(await Task.WhenAll(spent.Select(a => StatusAsync(client, a))), s => Assert.Equal(HttpStatusCode.OK, s));
                await gateway.Process.KillAsync();
            }

            // The same issuer (and so the same audience) on the new port: a forgotten jti would be accepted.
            await using var restarted = await AdminGateway.StartAsync(folder, Arguments);
            using var again = new HttpClient { BaseAddress = restarted.Process.BaseAddress };
            foreach (var assertion in spent)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(again, assertion));
            }

            Assert.Equal(InFlight, restarted.AuditLines().Count(l => l.GetProperty("action").GetString() == "token.refused" && l.GetProperty("outcome").GetString() == "jti_reused"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string assertion)
    {
        using var response = await TokenGateway.RequestTokenAsync(client, TokenGateway.Form(assertion));
        return response.StatusCode;
    }
}
