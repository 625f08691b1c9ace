using M2M.Gateway.Commands;
using M2M.Gateway.Tokens.Assertion;

namespace M2M.Gateway.Rotation;

/// <summary>Registers the over-the-air rotation part.</summary>
public static class RotationExtensions
{
    /// <summary>Adds <see cref="RotationService"/> (as an answer handler of the commands) and its deadline checker.</summary>
    public static IServiceCollection AddSecretRotation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RotationOptions>().Bind(configuration.GetSection(RotationOptions.Section));
        services.AddSingleton<RotationStore>();
        services.AddSingleton<RotationService>();
        services.AddSingleton<ICommandAnswerHandler>(s => new LazyAnswerHandler(s));
        services.AddSingleton<IPendingCredentials>(s => s.GetRequiredService<RotationService>());
        services.AddSingleton<RotationDeadlines>();
        services.AddHostedService(s => s.GetRequiredService<RotationDeadlines>());
        return services;
    }

    // RotationService needs CommandService, which needs the answer handlers: resolved on first answer.
    private sealed class LazyAnswerHandler(IServiceProvider services) : ICommandAnswerHandler
    {
        public Task AnsweredAsync(CommandEntry command, string status, string detail, M2M.Gateway.Registry.DeviceCredential credential, CancellationToken cancellationToken) =>
            services.GetRequiredService<RotationService>().AnsweredAsync(command, status, detail, credential, cancellationToken);
    }
}
