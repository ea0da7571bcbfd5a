using System.Globalization;
using Doctolib.Telehealth.Media.Plane;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Doctolib.Telehealth.Media;

/// <summary>Registers the media plane: <see cref="IMediaPlane"/>, <see cref="IMediaMetrics"/>, its options and the hosted receive loop.
/// The host must also register an <see cref="IMediaSignalSink"/> and an <see cref="IMediaObserver"/>.</summary>
public static class MediaServiceCollectionExtensions
{
    public static IServiceCollection AddMedia(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddMedia(options => Bind(configuration.GetSection(MediaOptions.SectionName), options));
    }

    public static IServiceCollection AddMedia(this IServiceCollection services, Action<MediaOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MediaPlane>(static sp => new MediaPlane(
            sp.GetRequiredService<IOptions<MediaOptions>>().Value,
            sp.GetRequiredService<IMediaSignalSink>(),
            sp.GetRequiredService<IMediaObserver>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<Microsoft.Extensions.Logging.ILoggerFactory>()));
        services.TryAddSingleton<IMediaPlane>(static sp => sp.GetRequiredService<MediaPlane>());
        services.TryAddSingleton<IMediaMetrics>(static sp => sp.GetRequiredService<MediaPlane>());
        services.AddSingleton<IHostedService, MediaPlaneHostedService>();
        return services;
    }

    private static void Bind(IConfiguration section, MediaOptions options)
    {
        options.AdvertisedAddress = section[nameof(MediaOptions.AdvertisedAddress)] ?? options.AdvertisedAddress;
        options.BindAddress = section[nameof(MediaOptions.BindAddress)] ?? options.BindAddress;
        options.UdpPort = ReadInt(section, nameof(MediaOptions.UdpPort)) ?? options.UdpPort;
        options.TcpPort = ReadInt(section, nameof(MediaOptions.TcpPort)) ?? options.TcpPort;
        options.MaxSessions = ReadInt(section, nameof(MediaOptions.MaxSessions)) ?? options.MaxSessions;
        options.ConsentTimeout = ReadTime(section, nameof(MediaOptions.ConsentTimeout)) ?? options.ConsentTimeout;
        options.AsyncReceiveLoop = ReadBool(section, nameof(MediaOptions.AsyncReceiveLoop)) ?? options.AsyncReceiveLoop;
        options.ConsentCheckInterval = ReadTime(section, nameof(MediaOptions.ConsentCheckInterval)) ?? options.ConsentCheckInterval;
        options.RelayIdleTimeout = ReadTime(section, nameof(MediaOptions.RelayIdleTimeout)) ?? options.RelayIdleTimeout;
        options.RelayMarkInterval = ReadTime(section, nameof(MediaOptions.RelayMarkInterval)) ?? options.RelayMarkInterval;
    }

    private static int? ReadInt(IConfiguration section, string key)
    {
        string? raw = section[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new InvalidOperationException($"Configuration Media:{key} must be an integer.");
    }

    private static bool? ReadBool(IConfiguration section, string key)
    {
        string? raw = section[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        return bool.TryParse(raw, out bool value)
            ? value
            : throw new InvalidOperationException($"Configuration Media:{key} must be true or false.");
    }

    private static TimeSpan? ReadTime(IConfiguration section, string key)
    {
        string? raw = section[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        return TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out TimeSpan value)
            ? value
            : throw new InvalidOperationException($"Configuration Media:{key} must be a time span such as 00:00:30.");
    }
}
