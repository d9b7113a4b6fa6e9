// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IStable {
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// An OTC broker buying a stablecoin for ETH at a price its owner sets: where consolidated salary
/// payments are cashed out.
contract OtcDesk {
    address public immutable owner;
    address public immutable stablecoin;
    /// Wei paid per smallest stablecoin unit.
    uint256 public weiPerUnit;

    event Trade(address indexed seller, uint256 stableAmount, uint256 ethAmount);

    constructor(address stablecoin_, uint256 weiPerUnit_) payable {
        owner = msg.sender;
        stablecoin = stablecoin_;
        weiPerUnit = weiPerUnit_;
    }

    receive() external payable {}

    function sell(uint256 amount) external {
        uint256 eth = amount * weiPerUnit;
        IStable(stablecoin).transferFrom(msg.sender, address(this), amount);
        (bool ok, ) = payable(msg.sender).call{value: eth}("");
        require(ok, "send failed");
        emit Trade(msg.sender, amount, eth);
    }
}
