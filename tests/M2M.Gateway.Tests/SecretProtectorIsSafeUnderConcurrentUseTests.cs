using M2M.Gateway.Hosting;
using M2M.Gateway.Secrets;

namespace M2M.Gateway.Tests;

/// <summary>
/// The secret protector is shared by the token endpoint, the ingress and the admin API, which call
/// it in parallel: every value protected on one thread opens on another, none fails.
/// </summary>
public sealed class SecretProtectorIsSafeUnderConcurrentUseTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("m2m-protector-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void ParallelProtectAndUnprotectAllSucceed()
    {
        using var protector = new AesGcmSecretProtector(MasterKey.Load(new DataDirectory(_folder), null, []));

        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
        {
            var secret = BitConverter.GetBytes(i);
            var purpose = $"m2m/test/{i}";
            var opened = protector.Unprotect(protector.Protect(secret, purpose), purpose);
            Assert.Equal(secret, opened);
        });
    }
}
