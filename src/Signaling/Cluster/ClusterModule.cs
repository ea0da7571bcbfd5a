using Doctolib.Telehealth.Media;
using Doctolib.Telehealth.Rooms;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>Registers the node: its identity always (<c>Node:Id</c>, in metrics), and with <c>Redis:Configuration</c> the
/// registry, the routed media plane in place of the local one, the relay over Redis, the observer and signal sink that
/// fall silent for rooms handed to another node, and the node's lifecycle.</summary>
internal static class ClusterModule
{
    private static readonly TimeSpan SharedRelayMarkInterval = TimeSpan.FromMilliseconds(500);

    public static IServiceCollection AddCluster(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NodeOptions>().Bind(configuration.GetSection(NodeOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>());
        var shared = !string.IsNullOrWhiteSpace(configuration["Redis:Configuration"]);
        services.AddSingleton(sp => new NodeIdentity(sp.GetRequiredService<IOptions<NodeOptions>>(), shared));
        services.Replace(ServiceDescriptor.Singleton<IRoomsNode>(sp => sp.GetRequiredService<NodeIdentity>()));
        services.AddSingleton<NodeMeter>();
        if (!shared)
        {
            return services;
        }
        var plane = services.Last(d => d.ServiceType == typeof(IMediaPlane));
        services.Remove(plane);
        services.AddSingleton(sp => new LocalMediaPlane((IMediaPlane)Resolve(plane, sp)));
        services.AddSingleton<IMediaPlane, RoutedMediaPlane>();
        var observer = services.Last(d => d.ServiceType == typeof(IMediaObserver));
        services.Remove(observer);
        services.AddSingleton<MovingRooms>();
        services.AddSingleton<MediaUpNotices>();
        services.AddSingleton(sp => new ClusterMediaObserver((IMediaObserver)Resolve(observer, sp), sp.GetRequiredService<MovingRooms>(),
            sp.GetRequiredService<MediaUpNotices>(), sp.GetRequiredService<ILogger<ClusterMediaObserver>>()));
        services.AddSingleton<IMediaObserver>(sp => sp.GetRequiredService<ClusterMediaObserver>());
        var sink = services.Last(d => d.ServiceType == typeof(IMediaSignalSink));
        services.Remove(sink);
        services.AddSingleton<IMediaSignalSink>(sp => new ClusterSignalSink((IMediaSignalSink)Resolve(sink, sp), sp.GetRequiredService<MovingRooms>()));
        services.AddSingleton<AudioOnlyChoices>();
        // A move ends the room's open intervals at their last relay mark: among several nodes the marks are written
        // every 0.5 s (one statement per node for all its sessions), so a move or a crash leaves at most that unbilled.
        if (configuration["Media:RelayMarkInterval"] is null)
        {
            services.PostConfigure<MediaOptions>(media => media.RelayMarkInterval = SharedRelayMarkInterval);
        }
        services.AddSingleton<NodeRegistry>();
        services.AddSingleton<MediaRelay>();
        services.AddSingleton<PlacementCache>();
        services.AddSingleton<RoomRouter>();
        services.AddSingleton<ClusterNodeService>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterNodeService>());
        services.Configure<HostOptions>(host =>
        {
            var drain = configuration.GetValue<TimeSpan?>("Node:DrainTimeout") ?? new NodeOptions().DrainTimeout;
            host.ShutdownTimeout = drain + TimeSpan.FromSeconds(15);
        });
        return services;
    }

    private static object Resolve(ServiceDescriptor descriptor, IServiceProvider services) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);
}
