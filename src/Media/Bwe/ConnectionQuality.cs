namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>What a participant's page shows about the other side's connection (issue 12, "quality indicator").</summary>
internal enum ConnectionQuality
{
    Good,
    Fair,
    Poor,
}

/// <summary>Inputs of the quality indicator: loss fraction (RFC 3550 §6.4.1 fraction lost, or transport feedback),
/// round-trip time (§6.4.1 LSR/DLSR), interarrival jitter (§6.4.1, converted to microseconds) and the bandwidth
/// estimate.</summary>
internal readonly record struct QualityInputs(double LossFraction, long RttMicros, long JitterMicros, long EstimateBps);

/// <summary>Good, fair or poor from loss, RTT, jitter and the estimate: the worst of the four decides. Poor: loss
/// over 10 %, RTT over 400 ms, jitter over 50 ms or an estimate under 150 kbps (video would pause); fair: loss over
/// 3 %, RTT over 250 ms, jitter over 30 ms or an estimate under 500 kbps; good otherwise (ITU-T G.114 recommends
/// one-way delay under 150 ms; these bounds are ours, for a consultation's picture and sound).
/// <see cref="Update"/> smooths it: worse at once, better only after <c>improveAfterMicros</c> of better readings,
/// so the indicator does not flicker.</summary>
internal sealed class ConnectionQualityClassifier
{
    private readonly long _improveAfterMicros;
    private long _betterSinceMicros = long.MinValue;

    public ConnectionQualityClassifier(long improveAfterMicros = 5_000_000) => _improveAfterMicros = improveAfterMicros;

    public ConnectionQuality Current { get; private set; } = ConnectionQuality.Good;

    public static ConnectionQuality Classify(in QualityInputs inputs)
    {
        if (inputs.LossFraction > 0.10 || inputs.RttMicros > 400_000 || inputs.JitterMicros > 50_000 || inputs.EstimateBps < 150_000)
        {
            return ConnectionQuality.Poor;
        }

        if (inputs.LossFraction > 0.03 || inputs.RttMicros > 250_000 || inputs.JitterMicros > 30_000 || inputs.EstimateBps < 500_000)
        {
            return ConnectionQuality.Fair;
        }

        return ConnectionQuality.Good;
    }

    /// <summary>Returns true when <see cref="Current"/> changed.</summary>
    public bool Update(in QualityInputs inputs, long nowMicros)
    {
        ConnectionQuality reading = Classify(inputs);
        ConnectionQuality before = Current;
        if (reading > Current)
        {
            Current = reading;
            _betterSinceMicros = long.MinValue;
        }
        else if (reading < Current)
        {
            if (_betterSinceMicros == long.MinValue)
            {
                _betterSinceMicros = nowMicros;
            }

            if (nowMicros - _betterSinceMicros >= _improveAfterMicros)
            {
                Current = reading;
                _betterSinceMicros = long.MinValue;
            }
        }
        else
        {
            _betterSinceMicros = long.MinValue;
        }

        return before != Current;
    }
}
