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
    ]
}
