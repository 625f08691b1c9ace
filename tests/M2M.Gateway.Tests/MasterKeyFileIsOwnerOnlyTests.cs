using M2M.Gateway.Hosting;
using M2M.Gateway.Secrets;

namespace M2M.Gateway.Tests;

/// <summary>The master key: created 0600 on first start, reused after, refused when others can read it or it is malformed.</summary>
// Unix file modes: a real skip elsewhere (Xunit.SkippableFact reads SupportedOSPlatform).
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MasterKeyFileIsOwnerOnlyTests : IDisposable
{
    private readonly DataDirectory _folder = new(Directory.CreateTempSubdirectory("m2m-masterkey-").FullName);

    private string KeyPath => _folder.Combine(MasterKey.FileName);

    [SkippableFact]
    public void FirstStartCreatesA32ByteKeyReadableByItsOwnerOnly()
    {
        var key = MasterKey.Load(_folder, null, []);

        Assert.True(File.Exists(KeyPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyPath));
        Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(KeyPath).Trim()).Length);
        Assert.Equal(KeyPath, key.Source);
    }

    [SkippableFact]
    public void TheNextStartUsesTheSameKey()
    {
        using var first = new AesGcmSecretProtector(MasterKey.Load(_folder, null, []));
        var sealedValue = first.Protect([1, 2, 3], "test");

        using var second = new AesGcmSecretProtector(MasterKey.Load(_folder, null, []));

        Assert.Equal([1, 2, 3], second.Unprotect(sealedValue, "test"));
    }

    [SkippableTheory]
    [InlineData(UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.GroupWrite)]
    public void AKeyFileOthersCanAccessIsRefusedWithTheFix(UnixFileMode extra)
    {
        MasterKey.Load(_folder, null, []);
        File.SetUnixFileMode(KeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | extra);

        var error = Assert.Throws<MasterKeyException>(() => MasterKey.Load(_folder, null, []));

        Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
        Assert.Contains(KeyPath, error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task TheGatewayRefusesToStartWithAKeyFileOthersCanRead()
    {
        MasterKey.Load(_folder, null, []);
        File.SetUnixFileMode(KeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Support.GatewayProcess.StartAsync("M2M.Gateway.dll", _folder.FullPath));

        Assert.Contains("exited", error.Message, StringComparison.Ordinal);
        Assert.Contains($"chmod 600 {KeyPath}", error.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("not base64!")]
    [InlineData("AAECAw==")]
    [InlineData("")]
    public void AMalformedKeyFileIsRefused(string content)
    {
        File.WriteAllText(KeyPath, content);
        File.SetUnixFileMode(KeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var error = Assert.Throws<MasterKeyException>(() => MasterKey.Load(_folder, null, []));

        Assert.Contains(KeyPath, error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void TheEnvironmentKeyWinsAndNoFileIsWritten()
    {
        var value = Convert.ToBase64String(new byte[32]);

        var key = MasterKey.Load(_folder, value, []);

        Assert.Equal("environment", key.Source);
        Assert.False(File.Exists(KeyPath));
        Assert.Throws<MasterKeyException>(() => MasterKey.Load(_folder, Convert.ToBase64String(new byte[16]), []));
    }

    public void Dispose() => Directory.Delete(_folder.FullPath, recursive: true);
}
