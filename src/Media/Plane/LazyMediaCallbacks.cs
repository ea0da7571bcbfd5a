using Microsoft.Extensions.DependencyInjection;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>Where the plane's notifications go. Resolved on first use, because the room layer that implements
/// <see cref="IMediaObserver"/> itself depends on <see cref="IMediaPlane"/>.</summary>
internal interface IMediaCallbacks
{
    IMediaSignalSink SignalSink { get; }

    IMediaObserver Observer { get; }
}

internal sealed class LazyMediaCallbacks(IServiceProvider services) : IMediaCallbacks
{
    public IMediaSignalSink SignalSink => services.GetRequiredService<IMediaSignalSink>();

    public IMediaObserver Observer => services.GetRequiredService<IMediaObserver>();
}

/// <summary>Fixed callbacks, for tests and the benchmark.</summary>
internal sealed class FixedMediaCallbacks(IMediaSignalSink signalSink, IMediaObserver observer) : IMediaCallbacks
{
    public IMediaSignalSink SignalSink { get; } = signalSink;

    public IMediaObserver Observer { get; } = observer;
}
