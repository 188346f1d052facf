/// UI labels: Chinese by default, English with `?lang=en` (remembered in a cookie).
struct Strings: Sendable {
    let english: Bool

    func callAsFunction(_ key: String) -> String {
        (english ? Self.en[key] : Self.zh[key]) ?? key
    }

    /// Every label, for templates (`{{t.queue}}`).
    var all: [String: String] { english ? Self.en : Self.zh }

    static let zh: [String: String] = [
        "title": "视频智能识别审核", "login": "登录", "logout": "退出", "username": "用户名", "password": "密码",
        "badLogin": "用户名或密码错误", "locked": "该用户名密码错误次数过多，请", "minutes": "分钟后再试",
        "queue": "待审队列", "report": "年度报告", "camera": "摄像机", "rule": "规则",
        "category": "类别", "status": "状态", "filter": "筛选", "all": "全部", "caseNumber": "案卷号", "firstSeen": "发现时间",
        "address": "位置", "dwell": "持续", "draft": "待审", "confirmed": "已立案", "rejected": "不予立案",
        "confirm": "立案", "reject": "不予立案", "reason": "原因", "note": "说明", "undo": "撤销", "next": "下一条",
        "before": "之前", "after": "之后", "clip": "视频", "facts": "检测数据", "location": "位置", "coordinates": "坐标",
        "grid": "单元网格", "description": "问题描述", "reviewer": "审核人", "decidedAt": "审核时间", "shortcuts":
        "快捷键：C 立案，1–6 选原因并不予立案，U 撤销，N 下一条", "empty": "没有符合条件的案卷", "history": "审核记录",
        "zone": "区域", "score": "置信度", "area": "面积", "english": "English", "chinese": "中文",
        "cameras": "探头状态", "picture": "画面", "age": "已等待", "previous": "上一条", "lastSeen": "最后出现",
        "queueKeys": "快捷键：J/K 上下移动，Enter 打开，N/P 翻页，U 撤销刚才的审核",
        "liveNew": "新案卷到达，刷新页面查看：",
        "caseKeys": "快捷键：C 立案，1–5 选原因并不予立案，6 其他（填写说明后回车），U 撤销，J 下一条，K 上一条，V 播放视频，Q 返回队列",
        "prevPage": "上一页", "nextPage": "下一页", "order": "排序", "newest": "最新在前", "oldest": "最早在前",
        "noPicture": "无画面", "state": "状态", "lastPicture": "最新分析画面", "fps": "分析帧率", "uptimeToday": "今日在线率",
        "uptimeMonth": "本月在线率", "draftsToday": "今日识别", "online": "在线", "offline": "离线", "noStatus": "尚无状态记录",
        "noData": "无数据", "ungrouped": "未登记分组", "asOf": "截至", "noCameras": "尚无探头记录（由 streetwatch run 登记）",
        "sec": "秒", "min": "分钟", "hours": "小时", "days": "天", "indicator": "指标", "value": "数值", "byMonth": "按月",
        "byCamera": "按摄像机", "coverage": "探头考评", "flagged": "识别数", "pending": "待审", "precision": "准确率",
        "interval": "95 % 区间", "onlineHours": "在线小时", "scheduledHours": "应在线小时", "onlineRate": "在线率",
        "busy": "正在提交…", "done": "已处理", "yearTitle": "年视频智能识别绩效自评", "cases": "条",
    ]

    static let en: [String: String] = [
        "title": "Video recognition review", "login": "Log in", "logout": "Log out", "username": "User name",
        "password": "Password", "badLogin": "Wrong user name or password",
        "locked": "Too many wrong passwords for this name; try again in", "minutes": "min", "queue": "Queue", "report": "Yearly report",
        "camera": "Camera", "rule": "Rule", "category": "Category", "status": "Status", "filter": "Filter", "all": "All",
        "caseNumber": "Case", "firstSeen": "First seen", "address": "Location", "dwell": "Dwell", "draft": "Draft",
        "confirmed": "Confirmed", "rejected": "Rejected", "confirm": "Confirm", "reject": "Reject", "reason": "Reason",
        "note": "Note", "undo": "Undo", "next": "Next", "before": "Before", "after": "After", "clip": "Clip",
        "facts": "Detector facts", "location": "Location", "coordinates": "Coordinates", "grid": "Grid cell",
        "description": "Description", "reviewer": "Reviewer", "decidedAt": "Decided at",
        "shortcuts": "Keys: C confirm, 1–6 reject with a reason, U undo, N next", "empty": "No cases match",
        "history": "History", "zone": "Zone", "score": "Score", "area": "Area", "english": "English", "chinese": "中文",
        "cameras": "Cameras", "picture": "Picture", "age": "Waiting", "previous": "Previous", "lastSeen": "Last seen",
        "queueKeys": "Keys: J/K move, Enter open, N/P page, U undo the verdict just given",
        "liveNew": "New drafts arrived; reload to see them:",
        "caseKeys": "Keys: C confirm, 1–5 reject with that reason, 6 other (type a note, Enter), U undo, J next, K previous, V play clip, Q queue",
        "prevPage": "Previous page", "nextPage": "Next page", "order": "Order", "newest": "Newest first",
        "oldest": "Oldest first", "noPicture": "No picture", "state": "State", "lastPicture": "Latest analysed picture",
        "fps": "Analysed fps", "uptimeToday": "Uptime today", "uptimeMonth": "Uptime this month", "draftsToday": "Drafts today",
        "online": "Online", "offline": "Offline", "noStatus": "No status recorded yet", "noData": "No data",
        "ungrouped": "Unregistered group", "asOf": "As of", "noCameras": "No cameras recorded yet (streetwatch run registers them)",
        "sec": "s", "min": "min", "hours": "h", "days": "d", "indicator": "Indicator", "value": "Value",
        "byMonth": "By month", "byCamera": "By camera", "coverage": "Camera uptime", "flagged": "Flagged",
        "pending": "Pending", "precision": "Precision", "interval": "95 % interval", "onlineHours": "Online hours",
        "scheduledHours": "Scheduled hours", "onlineRate": "Online rate", "busy": "Submitting…", "done": "Done",
        "yearTitle": "video recognition self-evaluation", "cases": "cases",
    ]
}
