"""All models, one module per domain; importing this package registers them on the metadata."""
from app.models.accounts import (
    LoginBlock, LoginFailure, LoginSession, PasswordResetToken, PendingSignUp, User)
from app.models.auctions import (
    Auction, AuctionPhoto, AuctionWatch, Bid, BidFlag, Feedback, Sale, SaleMessage)
from app.models.boards import BoardPost
from app.models.complaints import (
    ComplainantRestriction, Complaint, ComplaintEvent, ComplaintEvidence, ComplaintTarget,
    CounterStatement, HeldEvidence, SiteSetting)
from app.models.ip_requests import AccountDeletion, IpRequest
from app.models.listings import (
    Category, Listing, ListingActivity, ListingPhoto, ProhibitedTerm, ViewSeen, Watch,
    WatchCounted)
from app.models.mail import EmailMessage
from app.models.messages import Conversation, Message
from app.models.moderation import (
    Appeal, AuditEntry, EvidenceFile, Explanation, LiftRequest, Report, ReviewItem, Sanction,
    StopSign, Strike)
from app.models.notifications import Notification
from app.models.orders import Order, Review
from app.models.shops import Follow, FrozenSection, Shop, ShopCircle, ShopStaff
from app.models.traffic import TrafficLogEntry
from app.models.uploads import HeldPhoto

__all__ = [
    "User", "LoginSession", "LoginFailure", "LoginBlock", "PasswordResetToken", "PendingSignUp",
    "EmailMessage", "TrafficLogEntry",
    "Shop", "ShopStaff", "ShopCircle", "Follow", "FrozenSection",
    "Category", "Listing", "ListingPhoto", "ProhibitedTerm", "ViewSeen", "Watch", "WatchCounted",
    "ListingActivity",
    "Order", "Review", "Conversation", "Message",
    "Auction", "AuctionPhoto", "Bid", "BidFlag", "AuctionWatch", "Sale", "SaleMessage", "Feedback",
    "Notification",
    "StopSign", "Strike", "ReviewItem", "Report", "Explanation", "EvidenceFile", "LiftRequest",
    "Sanction", "Appeal", "AuditEntry", "BoardPost",
    "Complaint", "ComplaintTarget", "ComplaintEvent", "ComplaintEvidence", "HeldEvidence",
    "CounterStatement",
    "ComplainantRestriction", "SiteSetting",
    "IpRequest", "AccountDeletion",
    "HeldPhoto",
]
