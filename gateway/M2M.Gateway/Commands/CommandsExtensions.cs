using M2M.Gateway.Ingress.Seams;

namespace M2M.Gateway.Commands;

/// <summary>Registers the cloud-to-device command part.</summary>
public static class CommandsExtensions
{
    /// <summary>Adds <see cref="CommandService"/> (over the registry's database) as the ingress's <see cref="IDeviceCommands"/>.</summary>
    public static IServiceCollection AddDeviceCommands(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CommandOptions>().Bind(configuration.GetSection(CommandOptions.Section));
        services.AddSingleton<CommandStore>();
        services.AddSingleton<CommandService>();
        services.AddSingleton<IDeviceCommands>(s => s.GetRequiredService<CommandService>());
        return services;
    }
}
