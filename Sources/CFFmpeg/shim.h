// What Swift cannot import from FFmpeg 5.1 headers: function-like macros, tag-built error codes and
// fields whose spelling depends on the library version (see ../shared/FFMPEG-NOTES.md).
#ifndef STREETWATCH_CFFMPEG_SHIM_H
#define STREETWATCH_CFFMPEG_SHIM_H

#include <errno.h>
#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libavutil/avutil.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libavutil/time.h>

static const int SW_AVERROR_EOF = AVERROR_EOF;
static const int SW_AVERROR_EXIT = AVERROR_EXIT;
static const int SW_AVERROR_EAGAIN = AVERROR(EAGAIN);
static const int SW_AVERROR_ETIMEDOUT = AVERROR(ETIMEDOUT);
static const int SW_AVERROR_ENOMEM = AVERROR(ENOMEM);
static const int SW_AVERROR_EINVAL = AVERROR(EINVAL);
static const int SW_AVERROR_INVALIDDATA = AVERROR_INVALIDDATA;
static const int SW_AVERROR_DECODER_NOT_FOUND = AVERROR_DECODER_NOT_FOUND;
static const int SW_AVERROR_ENCODER_NOT_FOUND = AVERROR_ENCODER_NOT_FOUND;
static const int SW_AVERROR_STREAM_NOT_FOUND = AVERROR_STREAM_NOT_FOUND;
static const int64_t SW_AV_NOPTS_VALUE = AV_NOPTS_VALUE;

/// Turns a POSIX errno into FFmpeg's negative error code (the `AVERROR(e)` macro).
static inline int sw_averror(int posix_errno) { return AVERROR(posix_errno); }

/// Whether a decoded frame is a keyframe; the field moved to `flags` in later FFmpeg versions.
static inline int sw_frame_is_key(const AVFrame *frame) {
#ifdef AV_FRAME_FLAG_KEY
    return (frame->flags & AV_FRAME_FLAG_KEY) != 0;
#else
    return frame->key_frame;
#endif
}

/// `AV_TIME_BASE_Q` is a compound literal, which Swift cannot import.
static inline AVRational sw_time_base_q(void) { return (AVRational){1, AV_TIME_BASE}; }

#endif
