namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Which video frames of one down track go while its receiver's <see cref="VideoRateGate"/> limits them: whole
/// frames (a new RTP timestamp starts one), and once one was dropped none until a keyframe, since a delta frame after a
/// missing one cannot be decoded. Pure logic; the publisher's receive loop calls it for each video packet of the track.</summary>
internal sealed class FrameAdmission
{
    private uint _frameTimestamp;
    private bool _hasFrame;
    private bool _frameAdmitted = true;
    private long _keyframeWantedSinceMicros = long.MinValue;

    /// <summary>Video held back by the receiver's <see cref="VideoRateGate"/> waits for a keyframe, asked for this
    /// long after the first frame dropped, so the publisher has had its lower REMB first and the keyframe is sized for
    /// the link.</summary>
    public const long KeyframeAfterGateMicros = 1_000_000;

    /// <summary>True while frames are dropped for the rate gate until a keyframe starts.</summary>
    public bool WaitsForKeyframe => Volatile.Read(ref _keyframeWantedSinceMicros) != long.MinValue;

    /// <summary>Whether this video packet goes: a frame starts only when the receiver's <paramref name="gate"/> has room;
    /// once one is dropped, every frame is until a keyframe start is admitted (<paramref name="keyframeStart"/>: this
    /// packet starts one). <paramref name="askKeyframe"/> is set when the publisher should be asked for one now.</summary>
    public bool Admit(uint timestamp, bool keyframeStart, VideoRateGate gate, long nowMicros, out bool askKeyframe)
    {
        askKeyframe = false;
        if (_hasFrame && timestamp == _frameTimestamp)
        {
            return _frameAdmitted;
        }

        _hasFrame = true;
        _frameTimestamp = timestamp;
        long wanted = _keyframeWantedSinceMicros;
        if (wanted == long.MinValue)
        {
            _frameAdmitted = gate.MayStartVideoFrame(nowMicros);
            if (!_frameAdmitted)
            {
                Volatile.Write(ref _keyframeWantedSinceMicros, nowMicros);
            }

            return _frameAdmitted;
        }

        _frameAdmitted = keyframeStart && gate.MayStartVideoFrame(nowMicros);
        if (_frameAdmitted)
        {
            Volatile.Write(ref _keyframeWantedSinceMicros, long.MinValue);
        }
        else
        {
            askKeyframe = nowMicros - wanted >= KeyframeAfterGateMicros;
        }

        return _frameAdmitted;
    }

}
