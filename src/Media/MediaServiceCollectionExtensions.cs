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
    /// <summary>Binds section <c>Media</c> (validated at start-up: a bad value stops it with a message naming the key).</summary>
    public static IServiceCollection AddMedia(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MediaOptions>().Bind(configuration.GetSection(MediaOptions.SectionName));
        return services.AddMediaPlane();
    }

    public static IServiceCollection AddMedia(this IServiceCollection services, Action<MediaOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        return services.AddMediaPlane();
    }

    private static IServiceCollection AddMediaPlane(this IServiceCollection services)
    {
        services.AddOptions<MediaOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MediaOptions>, MediaOptionsValidator>());
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
}
