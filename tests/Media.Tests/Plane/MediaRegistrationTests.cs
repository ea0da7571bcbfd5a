using Doctolib.Telehealth.Media.Plane;
using Doctolib.Telehealth.Media.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Doctolib.Telehealth.Media.Tests.Plane;

public sealed class MediaRegistrationTests
{
    [Fact]
    public async Task AddMedia_WithConfiguration_BindsOptionsAndServesAnOffer()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Media:AdvertisedAddress"] = "127.0.0.1",
            ["Media:UdpPort"] = "0",
            ["Media:ConsentTimeout"] = "00:00:12",
            ["Media:MaxSessions"] = "7",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IMediaSignalSink, SilentCallbacks>();
        services.AddSingleton<IMediaObserver, SilentCallbacks>();

        services.AddMedia(configuration);
        await using ServiceProvider provider = services.BuildServiceProvider();

        MediaOptions options = provider.GetRequiredService<IOptions<MediaOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(12), options.ConsentTimeout);
        Assert.Equal(7, options.MaxSessions);
        Assert.Contains(provider.GetServices<IHostedService>(), s => s is MediaPlaneHostedService);
        IMediaPlane plane = provider.GetRequiredService<IMediaPlane>();
        Assert.Same(provider.GetRequiredService<MediaPlane>(), plane);

        await using WebRtcTestPeer peer = WebRtcTestPeer.Create("di");
        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);
        string answer = await plane.AcceptOfferAsync(new MediaParticipant("r", "p"), peer.CreateOffer(), timeout.Token);
        Assert.Contains("a=ice-lite", answer, StringComparison.Ordinal);
        Assert.Contains($"a=candidate:1 1 udp 2130706431 127.0.0.1 {provider.GetRequiredService<MediaPlane>().LocalEndPoint.Port} typ host", answer, StringComparison.Ordinal);
        Assert.Equal(1, provider.GetRequiredService<IMediaMetrics>().Snapshot().Sessions);
    }

    private sealed class SilentCallbacks : IMediaSignalSink, IMediaObserver
    {
        public Task SendOfferAsync(MediaParticipant participant, string offerSdp, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task MediaUpAsync(MediaParticipant participant, DateTimeOffset at, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task MediaDownAsync(MediaParticipant participant, DateTimeOffset at, string reason, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
