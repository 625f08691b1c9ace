using System.Security.Cryptography;
using M2M.Gateway.Hosting;
using M2M.Gateway.Secrets;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// Issue 11 item 8: a data folder whose master.key is gone but which holds data encrypted under it
/// (device secrets, signing keys, the development CA's key) does not get a new key: the gateway
/// refuses to start, names those files and says how to restore the key, and leaves the folder as it
/// was. Only a folder without encrypted data gets a new key.
/// </summary>
public class ALostMasterKeyNextToEncryptedDataStopsTheStartTests
{
    [Fact]
    public async Task TheStartFailsNamingTheEncryptedFilesAndLeavesTheDataUntouched()
    {
        var data = Directory.CreateTempSubdirectory("m2m-lostkey-").FullName;
        try
        {
            await using (var first = await AdminGateway.StartAsync(data))
            {
                await first.AddDeviceAsync("sensor-0001");
                using var client = new HttpClient { BaseAddress = first.Process.BaseAddress };
                await TokenGateway.JwksAsync(client); // the signing key ring is written at first use
            }

            File.Delete(Path.Combine(data, MasterKey.FileName));
            var before = Snapshot(data);

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => GatewayProcess.StartAsync("M2M.Gateway.dll", data));

            Assert.Contains("exited", error.Message, StringComparison.Ordinal);
            foreach (var file in new[] { "registry.db", "signing-keys.json", "m2m-dev-ca.key" })
            {
                Assert.Contains(Path.Combine(data, file), error.Message, StringComparison.Ordinal);
            }

            Assert.Contains("backup", error.Message, StringComparison.Ordinal);
            Assert.Contains(MasterKey.EnvironmentVariable, error.Message, StringComparison.Ordinal);
            Assert.Equal(before, Snapshot(data));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public void AFolderWithoutEncryptedDataGetsANewKey()
    {
        var folder = new DataDirectory(Directory.CreateTempSubdirectory("m2m-newkey-").FullName);
        try
        {
            File.WriteAllText(folder.Combine("journal.db"), string.Empty);
            var declared = new EncryptedFile(folder.Combine("registry.db"), "device secrets");

            var key = MasterKey.Load(folder, null, [declared]);

            Assert.Equal(folder.Combine(MasterKey.FileName), key.Source);
            File.Delete(folder.Combine(MasterKey.FileName));
            File.WriteAllText(declared.Path, string.Empty);
            var error = Assert.Throws<MasterKeyException>(() => MasterKey.Load(folder, null, [declared]));
            Assert.Contains($"{declared.Path} (device secrets)", error.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(folder.Combine(MasterKey.FileName)));
        }
        finally
        {
            Directory.Delete(folder.FullPath, recursive: true);
        }
    }

    /// <summary>Every file's path and SHA-256.</summary>
    private static SortedDictionary<string, string> Snapshot(string folder) =>
        new(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))), StringComparer.Ordinal);
}
