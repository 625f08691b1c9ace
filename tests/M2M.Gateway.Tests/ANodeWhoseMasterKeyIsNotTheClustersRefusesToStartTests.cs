using System.Security.Cryptography;
using M2M.Gateway.Secrets;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// Every node of a cluster must hold the same master key (docs/scaling.md): the first node stores
/// a key check value in PostgreSQL, and a node started with another key refuses to start with a
/// message that says what is wrong and never shows either key; a node with the right key starts.
/// </summary>
public sealed class ANodeWhoseMasterKeyIsNotTheClustersRefusesToStartTests
{
    [Fact]
    public async Task ItRefusesWithAClearErrorAndTheRightKeyStarts()
    {
        await using var cluster = await ClusterNodes.StartAsync();
        await cluster.StartNodeAsync("node-a");
        var other = Convert.ToBase64String(RandomNumberGenerator.GetBytes(MasterKey.Length));

        var error = await Assert.ThrowsAsync<MasterKeyException>(() => cluster.StartNodeAsync("node-b", other));

        Assert.Contains("master key is not the cluster's", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(other, error.Message, StringComparison.Ordinal);
        await cluster.StartNodeAsync("node-c");
    }
}
